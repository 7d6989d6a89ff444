import { AuthError } from "@/lib/domain/errors";
import { prisma } from "@/lib/db/client";
import type { Actor } from "./actor";
import { roleMay, type Permission } from "./permissions";
import { resolveSession, type ResolvedSession } from "./sessions";
import { readSessionCookie } from "./session-token";

/**
 * Resolves the session cookie to an Actor, or null when absent, unknown, revoked, expired (idle or
 * absolute) or its user is disabled.
 */
export async function actorFromToken(token: string | null | undefined): Promise<ResolvedSession | null> {
  if (!token) return null;
  return resolveSession(await prisma(), token);
}

export function sessionTokenFrom(req: Request): string | null {
  return readSessionCookie(req.headers.get("cookie"));
}

export type AuthorizeOptions = {
  /** allowed while an admin still has to enrol MFA (enrolment, the session itself, signing out) */
  duringMfaEnrolment?: boolean;
};

/**
 * Throws 401 without an actor; 403 mfa_enrolment_required while the actor's role requires MFA and
 * none is enrolled (unless the call is part of enrolment); 403 when the role lacks the permission.
 */
export function authorize<A extends Actor>(actor: A | null, permission: Permission, opts: AuthorizeOptions = {}): A {
  if (!actor) throw AuthError.unauthenticated("Sign in to continue (no valid session, or it expired).");
  if (actor.mfaEnrolmentRequired && !opts.duringMfaEnrolment)
    throw new AuthError(403, "mfa_enrolment_required", "Set up two-factor authentication first (Your account → Two-factor authentication, /account/mfa): your role requires it.");
  if (!roleMay(actor.role, permission)) throw AuthError.forbidden(`The ${actor.role} role may not do this (${permission}).`);
  return actor;
}

/**
 * The one gate every route handler passes: 401 without a valid session, 403 when the role lacks
 * the permission.
 */
export async function requireActor(req: Request, permission: Permission, opts: AuthorizeOptions = {}): Promise<Actor> {
  return authorize(await actorFromToken(sessionTokenFrom(req)), permission, opts);
}
