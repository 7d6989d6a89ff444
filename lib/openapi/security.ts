import { CSRF_COOKIE, CSRF_HEADER, SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@/lib/auth/constants";
import { permissions, type Permission } from "@/lib/auth/permissions";
import type { Rule } from "@/lib/auth/route-table";

/** Methods that lib/auth/csrf.ts treats as mutations (origin check + session-bound CSRF token). */
const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
export const isMutatingMethod = (method: string) => MUTATING.has(method.toUpperCase());

/** How lib/http/route.ts authenticates (lib/auth/guard.ts, sessions.ts) and checks CSRF (lib/auth/csrf.ts). */
export const securitySchemes = {
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE,
    description:
      `The session, set HttpOnly and SameSite=Lax by POST /api/auth/login. Over TLS it is named \`${SECURE_SESSION_COOKIE}\` instead ` +
      "(either name is read). A session ends when revoked (sign-out, password change, an admin's action), after the idle timeout " +
      "(FUSION_SESSION_IDLE_MINUTES, default 15) or the absolute lifetime (FUSION_SESSION_ABSOLUTE_HOURS, default 8), or when its user is disabled: then 401.",
  },
  csrfHeader: {
    type: "apiKey",
    in: "header",
    name: "X-CSRF-Token",
    description:
      "Mutations (POST, PUT, PATCH, DELETE) by a signed-in user: the session's CSRF token (`csrfToken` from POST /api/auth/login or GET /api/auth/session). " +
      `It must equal both the \`${CSRF_COOKIE}\` cookie and the token stored with the session (double submit, bound to the session). ` +
      "An HTML form post (application/x-www-form-urlencoded, at most 64 KiB) may send it as the `_csrf` field instead. Missing or wrong: 403 csrf_failed.",
  },
  csrfCookie: {
    type: "apiKey",
    in: "cookie",
    name: CSRF_COOKIE,
    description: `Set beside the session cookie (readable by the page's scripts, which echo it in ${CSRF_HEADER}); must match the submitted token.`,
  },
  ehrJwt: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "CDS Hooks 2.0: a JWT the EHR signs (ES384 or RS384) for each call. Its issuer must be a trusted EHR (admins keep the list: /api/admin/ehrs); " +
      "it is verified with that EHR's JWKS; aud must be this service's endpoint URL, exp at most 5 minutes after iat, and each jti is accepted once. Otherwise 401.",
  },
} as const;

/** The roles that hold a permission (lib/auth/permissions.ts). */
export const rolesFor = (permission: Permission): string[] => [...permissions[permission]];

/**
 * The Security Requirement of one operation. OpenAPI 3.1 lets a non-OAuth requirement list role
 * names: the roles allowed (deny by default) go on the session cookie. Public operations need none.
 */
export function securityFor(rule: Rule, method: string): Record<string, string[]>[] {
  if (rule === "public") return [];
  if (rule === "ehr-jwt") return [{ ehrJwt: [] }];
  const session = { sessionCookie: rolesFor(rule) };
  return [isMutatingMethod(method) ? { ...session, csrfHeader: [], csrfCookie: [] } : session];
}

/** The sentence every operation's description carries about who may call it. */
export function accessSentence(rule: Rule, method: string): string {
  const origin = isMutatingMethod(method)
    ? " A browser request from another origin (Origin header, or Sec-Fetch-Site cross-site / same-site) is refused with 403 csrf_failed."
    : "";
  if (rule === "public") return `Public: no session needed.${origin}`;
  if (rule === "ehr-jwt") return `Called by a trusted EHR with its signed JWT (Authorization: Bearer), not with a session; without a valid token 401 and nothing is done.${origin}`;
  const roles = rolesFor(rule);
  const csrf = isMutatingMethod(method) ? ` Needs the X-CSRF-Token header (or the \`_csrf\` form field) matching the session.${origin}` : "";
  return `Requires the \`${rule}\` permission (role${roles.length > 1 ? "s" : ""}: ${roles.join(", ")}); without a valid session 401, other roles 403 (the refusal is audited).${csrf}`;
}
