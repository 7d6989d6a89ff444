import { clearedSessionCookies, isSecureRequest, sessionCookies } from "./cookies";
import type { NewSession } from "./sessions";

/** Adds the session + CSRF cookies of a new session to a response. */
export function withSessionCookies(res: Response, req: Request, s: NewSession): Response {
  for (const c of sessionCookies(s.token, s.csrfToken, s.maxAgeSeconds, isSecureRequest(req))) res.headers.append("set-cookie", c);
  return res;
}

export function withClearedCookies(res: Response, req: Request): Response {
  for (const c of clearedSessionCookies(isSecureRequest(req))) res.headers.append("set-cookie", c);
  return res;
}

/**
 * Where to go after signing in: only a path on this site ("/patients?q=a"), never "//evil" or
 * "https://evil" (open redirect), and never back to /login.
 */
export function safeNextPath(next: unknown, fallback = "/"): string {
  if (typeof next !== "string" || next.length > 2048) return fallback;
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (/[\u0000-\u001f\\]/.test(next)) return fallback;
  if (next === "/login" || next.startsWith("/login?") || next.startsWith("/api/")) return fallback;
  return next;
}

/** An HTML form submission (as opposed to fetch with JSON): answer with a redirect, not JSON. */
export function isFormPost(req: Request): boolean {
  return /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(req.headers.get("content-type") ?? "");
}

/** 303 with a relative Location: the browser resolves it against the address it used. */
export function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { location: path } });
}
