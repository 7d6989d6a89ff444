import { actorFromToken, authorize, sessionTokenFrom, type AuthorizeOptions } from "@/lib/auth/guard";
import type { Actor } from "@/lib/auth/actor";
import { forwardedProto } from "@/lib/auth/actor";
import { verifyCsrfToken, verifyOrigin } from "@/lib/auth/csrf";
import type { Permission } from "@/lib/auth/permissions";
import { apiSecurityHeaders, isTls } from "@/lib/auth/headers";
import { actorFromPushToken, bearerToken } from "@/lib/auth/source-token";
import { prisma } from "@/lib/db/client";
import { toErrorResponse } from "./errors";
import { auditRefusal } from "./refusal-audit";

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
    const tls = isTls(forwardedProto(req.headers), new URL(req.url).protocol);
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
 * Refusals are audited (lib/http/refusal-audit.ts): 401, 403, CSRF, 404 on patient-data routes,
 * any error answer of an export route. While an admin has not enrolled MFA, only routes with
 * `{ duringMfaEnrolment: true }` answer (enrolment, the session, signing out).
 */
export function route<P = Record<string, never>>(
  permission: Permission,
  fn: (ctx: RouteContext<P>) => Promise<Response | unknown>,
  opts: AuthorizeOptions &
    RouteOptions & {
      /**
       * Also accept a DICOMweb source's push token (`Authorization: Bearer fcds_push_…`,
       * lib/auth/source-token.ts) when the request carries no session cookie. Only STOW-RS does.
       */
      pushToken?: boolean;
    } = {},
) {
  const renderError = opts.renderError ?? toErrorResponse;
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    let actor: Actor | null = null;
    let params = {} as P;
    try {
      const session = sessionTokenFrom(req);
      const bearer = opts.pushToken && !session ? bearerToken(req) : null;
      if (bearer) {
        // a machine client: no cookie, so no cross-site request can carry this credential (no CSRF check)
        actor = await actorFromPushToken(await prisma(), bearer);
        authorize(actor, permission, opts);
      } else {
        actor = await actorFromToken(session);
        authorize(actor, permission, opts);
        verifyOrigin(req);
        await verifyCsrfToken(req, actor!.csrfToken);
      }
      params = ((await ctx?.params) ?? {}) as P;
      const out = await fn({ req, params, actor: actor! });
      if (out instanceof Response && out.status >= 400) await auditRefusal(out, { req, actor, permission, params: params as Record<string, unknown> });
      return finish(req, out);
    } catch (e) {
      await auditRefusal(e, { req, actor, permission, params: params as Record<string, unknown> });
      return finish(req, renderError(e));
    }
  };
}

/**
 * For the few routes anyone may call (health, login). Mutations still get the same-origin check
 * (login CSRF, audited when refused); there is no session token to check yet.
 */
export function publicRoute<P = Record<string, never>>(fn: (ctx: { req: Request; params: P }) => Promise<Response | unknown>, opts: RouteOptions = {}) {
  const renderError = opts.renderError ?? toErrorResponse;
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    try {
      verifyOrigin(req);
      const params = ((await ctx?.params) ?? {}) as P;
      return finish(req, await fn({ req, params }));
    } catch (e) {
      await auditRefusal(e, { req, actor: null, permission: null, params: {} });
      return finish(req, renderError(e));
    }
  };
}
