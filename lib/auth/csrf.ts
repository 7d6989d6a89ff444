import { timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/domain/errors";
import { readCookie } from "./session-token";
import { DEFAULT_FORM_LIMIT, isFormContent, readForm } from "@/lib/http/body";

import { CSRF_COOKIE, CSRF_HEADER } from "./constants";

export { CSRF_COOKIE, CSRF_HEADER };

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const isMutating = (method: string) => MUTATING.has(method.toUpperCase());

export function csrfError(message: string): AppError {
  return new AppError(403, "csrf_failed", message);
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The origin this server answers as (behind a proxy: X-Forwarded-Host / -Proto). */
export function expectedOrigins(req: Request, env: NodeJS.ProcessEnv = process.env): string[] {
  const url = new URL(req.url);
  const proto = (req.headers.get("x-forwarded-proto")?.split(",")[0].trim() || url.protocol.replace(":", "")).toLowerCase();
  const host = req.headers.get("x-forwarded-host")?.split(",")[0].trim() || req.headers.get("host") || url.host;
  const out = [`${proto}://${host}`.toLowerCase(), url.origin.toLowerCase()];
  for (const o of (env.FUSION_ALLOWED_ORIGINS ?? "").split(",")) if (o.trim()) out.push(o.trim().toLowerCase().replace(/\/$/, ""));
  return out;
}

/**
 * Cross-site request check for every mutation, signed in or not (login CSRF): a browser always
 * sends Origin on cross-origin POSTs, and Sec-Fetch-Site where supported. Non-browser clients that
 * send neither pass this step and still need the session-bound token below.
 */
export function verifyOrigin(req: Request): void {
  if (!isMutating(req.method)) return;
  const site = req.headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") throw csrfError("Cross-site requests are not accepted.");
  const origin = req.headers.get("origin");
  if (origin === null) return;
  if (origin === "null" || !expectedOrigins(req).includes(origin.toLowerCase()))
    throw csrfError(`Requests from ${origin} are not accepted; use the application from its own address.`);
}

/** The form field an HTML <form method="post"> carries the token in (forms cannot set headers). */
export const CSRF_FIELD = "_csrf";

/**
 * The token the client sent: the X-CSRF-Token header (fetch), else the `_csrf` field of a small
 * url-encoded form body — read through lib/http/body (capped while it streams, 413 past 64 KiB;
 * the handler's own readForm gets the same bytes).
 */
export async function submittedCsrfToken(req: Request): Promise<string | null> {
  const header = req.headers.get(CSRF_HEADER);
  if (header) return header;
  if (!isFormContent(req) || !req.body) return null;
  return (await readForm(req, DEFAULT_FORM_LIMIT)).get(CSRF_FIELD);
}

/**
 * Double-submit, bound to the session: the submitted token (header or form field) and the
 * fcds_csrf cookie must both equal the token stored with the session (a cookie planted by a
 * sibling subdomain cannot match).
 */
export async function verifyCsrfToken(req: Request, sessionCsrf: string): Promise<void> {
  if (!isMutating(req.method)) return;
  const submitted = await submittedCsrfToken(req);
  const cookie = readCookie(req.headers.get("cookie"), CSRF_COOKIE);
  if (!submitted || !cookie) throw csrfError("The request lacks its CSRF token; reload the page and try again.");
  if (!safeEqual(submitted, sessionCsrf) || !safeEqual(cookie, sessionCsrf))
    throw csrfError("The CSRF token does not match this session; reload the page and try again.");
}
