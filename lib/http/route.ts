import { actorFromToken, authorize, sessionTokenFrom, type AuthorizeOptions } from "@/lib/auth/guard";
import type { Actor } from "@/lib/auth/actor";
import { forwardedProto, requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { verifyCsrfToken, verifyOrigin } from "@/lib/auth/csrf";
import type { Permission } from "@/lib/auth/permissions";
import { AuthError } from "@/lib/domain/errors";
import { prisma } from "@/lib/db/client";
import { apiSecurityHeaders, isTls } from "@/lib/auth/headers";
import { actorFromPushToken, bearerToken } from "@/lib/auth/source-token";
import { toErrorResponse } from "./errors";

export type RouteContext<P> = { req: Request; params: P; actor: Actor };
type NextCtx<P> = { params: Promise<P> };

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
 * Authorisation refusals are audited (outcome "denied"). While an admin has not enrolled MFA, only
 * routes with `{ duringMfaEnrolment: true }` answer (enrolment, the session, signing out).
 */
export function route<P = Record<string, never>>(
  permission: Permission,
  fn: (ctx: RouteContext<P>) => Promise<Response | unknown>,
  opts: AuthorizeOptions & {
    /**
     * Also accept a DICOMweb source's push token (`Authorization: Bearer fcds_push_…`,
     * lib/auth/source-token.ts) when the request carries no session cookie. Only STOW-RS does.
     */
    pushToken?: boolean;
  } = {},
) {
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    let actor: Actor | null = null;
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
      const params = ((await ctx?.params) ?? {}) as P;
      return finish(req, await fn({ req, params, actor: actor! }));
    } catch (e) {
      if (e instanceof AuthError && e.status === 403 && actor) await auditDenied(req, actor, permission);
      return finish(req, toErrorResponse(e));
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
export function publicRoute<P = Record<string, never>>(fn: (ctx: { req: Request; params: P }) => Promise<Response | unknown>) {
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    try {
      verifyOrigin(req);
      const params = ((await ctx?.params) ?? {}) as P;
      return finish(req, await fn({ req, params }));
    } catch (e) {
      return finish(req, toErrorResponse(e));
    }
  };
}
