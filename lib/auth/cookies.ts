import { forwardedProto } from "./actor";
import { CSRF_COOKIE } from "./csrf";
import { MFA_CHALLENGE_COOKIE, MFA_CHALLENGE_COOKIE_PATH, SECURE_SESSION_COOKIE, SESSION_COOKIE } from "./constants";

/** TLS as the client sees it: the URL scheme, or X-Forwarded-Proto from a trusted reverse proxy. */
export function isSecureRequest(req: Request): boolean {
  const fwd = forwardedProto(req.headers)?.split(",")[0].trim().toLowerCase();
  if (fwd) return fwd === "https";
  return new URL(req.url).protocol === "https:";
}

type CookieOpts = { secure: boolean; httpOnly: boolean; maxAgeSeconds: number };

export function serializeCookie(name: string, value: string, o: CookieOpts): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`, "SameSite=Lax"];
  if (o.httpOnly) parts.push("HttpOnly");
  if (o.secure) parts.push("Secure");
  return parts.join("; ");
}

/**
 * The session cookie (httpOnly: scripts never see it) and the CSRF cookie (readable by our own
 * scripts, which echo it in X-CSRF-Token). SameSite=Lax keeps top-level links into the app working
 * while cross-site POSTs carry no session.
 */
export function sessionCookies(token: string, csrfToken: string, maxAgeSeconds: number, secure: boolean): string[] {
  return [
    serializeCookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, { secure, httpOnly: true, maxAgeSeconds }),
    serializeCookie(CSRF_COOKIE, csrfToken, { secure, httpOnly: false, maxAgeSeconds }),
  ];
}

export function clearedSessionCookies(secure: boolean): string[] {
  return [
    serializeCookie(SESSION_COOKIE, "", { secure, httpOnly: true, maxAgeSeconds: 0 }),
    ...(secure ? [serializeCookie(SECURE_SESSION_COOKIE, "", { secure, httpOnly: true, maxAgeSeconds: 0 })] : []),
    serializeCookie(CSRF_COOKIE, "", { secure, httpOnly: false, maxAgeSeconds: 0 }),
  ];
}

/**
 * The MFA challenge between the two sign-in steps: HttpOnly, SameSite=Strict, sent only to
 * /api/auth/login… (the code step), gone after 5 minutes.
 */
export function mfaChallengeCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [`${MFA_CHALLENGE_COOKIE}=${encodeURIComponent(token)}`, `Path=${MFA_CHALLENGE_COOKIE_PATH}`, `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, "SameSite=Strict", "HttpOnly"];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
