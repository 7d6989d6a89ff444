import { requireActor } from "@/lib/auth/guard";
import type { Actor } from "@/lib/auth/actor";
import type { Permission } from "@/lib/auth/permissions";
import { toErrorResponse } from "./errors";

export type RouteContext<P> = { req: Request; params: P; actor: Actor };
type NextCtx<P> = { params: Promise<P> };

/**
 * A thin route handler: authorise (401/403 before anything else), run, map errors to
 * `{ error: { code, message, details } }`. Handlers return a Response or a JSON-able value (200).
 */
export function route<P = Record<string, never>>(
  permission: Permission,
  fn: (ctx: RouteContext<P>) => Promise<Response | unknown>,
) {
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    try {
      const actor = await requireActor(req, permission);
      const params = ((await ctx?.params) ?? {}) as P;
      const out = await fn({ req, params, actor });
      return out instanceof Response ? out : Response.json(out);
    } catch (e) {
      return toErrorResponse(e);
    }
  };
}

/** For the few routes anyone may call (health, login). */
export function publicRoute<P = Record<string, never>>(fn: (ctx: { req: Request; params: P }) => Promise<Response | unknown>) {
  return async (req: Request, ctx: NextCtx<P>): Promise<Response> => {
    try {
      const params = ((await ctx?.params) ?? {}) as P;
      const out = await fn({ req, params });
      return out instanceof Response ? out : Response.json(out);
    } catch (e) {
      return toErrorResponse(e);
    }
  };
}
