import { actorFromToken, authorize, sessionTokenFrom } from "@/lib/auth/guard";
import type { Actor } from "@/lib/auth/actor";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { verifyCsrfToken, verifyOrigin } from "@/lib/auth/csrf";
import type { Permission } from "@/lib/auth/permissions";
import { AuthError } from "@/lib/domain/errors";
import { prisma } from "@/lib/db/client";
import { apiSecurityHeaders, isTls } from "@/lib/auth/headers";
import { toErrorResponse } from "./errors";

export type RouteContext<P> = { req: Request; params: P; actor: Actor };
type NextCtx<P> = { params: Promise<P> };
/** How a family of routes renders its errors (the FHIR API answers OperationOutcome, lib/fhir/http.ts). */
export type RouteOptions = { renderError?: (e: unknown) => Response };

/**
 * Every API answer: security headers (proxy.ts skips /api so that large uploads are not buffered
 * by it) and, since answers hold patient data, never cached by browsers or proxies.
 */
function finish(req: Request, out: unknown): Response {
  const res = out instanceof Response ? out : Response.json(out);
  try {
    const tls = isTls(req.headers.get("x-forwarded-proto"), new URL(req.url).protocol);
    for (const [k, v] of Object.entries(apiSecurityHeaders(tls))) if (!res.headers.has(k)) res.headers.set(k, v);
    if (!res.headers.has("cache-control")) res.headers.set("cache-control", "no-store");
  } catch {
    // immutable headers (a proxied fetch Response): leave as is
  }
  return res;
}

/**
 * A thin route handler: authenticate (401), authorise (403), verify CSRF on mutations (403
 * csrf_failed: same origin + session-bound X-CSRF-Token), run, map errors to
 * `{ error: { code, message, details } }`. Handlers return a Response or a JSON-able value (200).
 * Authorisation refusals are audited (outcome "denied").
 */
export function route<P = Record<string, never>>(
  permission: Permission,
  fn: (ctx: RouteContext<P>) => Promise<Response | unknown>,
  opts: RouteOptions = {},
) {
  const renderError = opts.renderError ?? toErrorResponse;
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    let actor: Actor | null = null;
    try {
      actor = await actorFromToken(sessionTokenFrom(req));
      authorize(actor, permission);
      verifyOrigin(req);
      await verifyCsrfToken(req, actor!.csrfToken);
      const params = ((await ctx?.params) ?? {}) as P;
      return finish(req, await fn({ req, params, actor: actor! }));
    } catch (e) {
      if (e instanceof AuthError && e.status === 403 && actor) await auditDenied(req, actor, permission);
      return finish(req, renderError(e));
    }
  };
}

async function auditDenied(req: Request, actor: Actor, permission: Permission): Promise<void> {
  try {
    await audit(await prisma(), {
      actor,
      action: "access.denied",
      outcome: "denied",
      request: requestInfo(req),
      details: { permission, method: req.method, path: new URL(req.url).pathname },
    });
  } catch (e) {
    console.error("[audit] could not record an access denial:", (e as Error).message);
  }
}

/**
 * For the few routes anyone may call (health, login). Mutations still get the same-origin check
 * (login CSRF); there is no session token to check yet.
 */
export function publicRoute<P = Record<string, never>>(fn: (ctx: { req: Request; params: P }) => Promise<Response | unknown>, opts: RouteOptions = {}) {
  const renderError = opts.renderError ?? toErrorResponse;
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    try {
      verifyOrigin(req);
      const params = ((await ctx?.params) ?? {}) as P;
      return finish(req, await fn({ req, params }));
    } catch (e) {
      return finish(req, renderError(e));
    }
  };
}
