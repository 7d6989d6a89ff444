import { AuthError } from "@/lib/domain/errors";
import { prisma } from "@/lib/db/client";
import type { Actor } from "./actor";
import { roleMay, type Permission } from "./permissions";
import { SESSION_COOKIE, hashToken, readCookie } from "./session-token";

/** Resolves the session cookie to an Actor, or null when absent, unknown, revoked or expired. */
export async function actorFromToken(token: string | null): Promise<Actor | null> {
  if (!token) return null;
  const db = await prisma();
  const s = await db.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!s || s.revokedAt || s.expiresAt <= new Date() || s.user.disabled) return null;
  return {
    userId: s.user.id,
    username: s.user.username,
    displayName: s.user.displayName,
    role: s.user.role,
    sessionId: s.id,
    csrfToken: s.csrfToken,
  };
}

/**
 * The one gate every route handler passes: 401 without a valid session, 403 when the role lacks
 * the permission.
 */
export async function requireActor(req: Request, permission: Permission): Promise<Actor> {
  const actor = await actorFromToken(readCookie(req.headers.get("cookie"), SESSION_COOKIE));
  if (!actor) throw AuthError.unauthenticated();
  if (!roleMay(actor.role, permission)) throw AuthError.forbidden(`The ${actor.role} role may not do this (${permission})`);
  return actor;
}
