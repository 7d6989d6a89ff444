import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError, ValidationError } from "@/lib/domain/errors";
import type { Actor, RequestInfo } from "./actor";
import { audit } from "./audit";
import { securityConfig, type SecurityConfig } from "./config";
import { confirmEnrolment, mfaRequiredFor, mfaStatus, regenerateRecoveryCodes, removeMfa, startEnrolment, type Enrolment, type MfaStatus } from "./mfa";
import { verifyPassword } from "./password";
import { recordSuccess, reserveAttempt } from "./throttle";

/**
 * One's own second factor, each use case with its audit row (the routes under /api/auth/mfa and
 * the account page call these).
 */
type Db = Pick<PrismaClient, "user" | "session" | "auditEvent" | "loginThrottle" | "mfaRecoveryCode" | "mfaChallenge" | "$queryRaw" | "$executeRaw">;

export async function ownMfaStatus(db: Db, actor: Actor): Promise<MfaStatus> {
  return mfaStatus(db, actor.userId);
}

/** Starts enrolment: a new secret (otpauth URI, QR code, text), pending until a code confirms it. */
export async function beginMfaEnrolment(db: Db, actor: Actor, info: RequestInfo): Promise<Enrolment> {
  const e = await startEnrolment(db, { id: actor.userId, username: actor.username });
  await audit(db, { actor, action: "auth.mfa_enrol", entityType: "User", entityId: actor.userId, outcome: "success", request: info, details: { step: "secret_issued" } });
  return e;
}

/**
 * The first code turns MFA on: the recovery codes are returned (once), every other session of the
 * user ends (they were signed in with the password alone).
 */
export async function finishMfaEnrolment(db: Db, actor: Actor, code: string, info: RequestInfo): Promise<{ recoveryCodes: string[]; revokedOtherSessions: number }> {
  try {
    const { recoveryCodes } = await confirmEnrolment(db, { id: actor.userId }, code);
    const r = await db.session.updateMany({ where: { userId: actor.userId, revokedAt: null, NOT: { id: actor.sessionId } }, data: { revokedAt: new Date() } });
    await audit(db, { actor, action: "auth.mfa_enable", entityType: "User", entityId: actor.userId, outcome: "success", request: info, details: { revokedOtherSessions: r.count } });
    return { recoveryCodes, revokedOtherSessions: r.count };
  } catch (e) {
    await audit(db, { actor, action: "auth.mfa_enable", entityType: "User", entityId: actor.userId, outcome: "failure", request: info, details: { reason: (e as { code?: string }).code ?? "error" } });
    throw e;
  }
}

/** Your password again, for changes to the second factor; throttled like sign-in. */
async function reconfirmPassword(db: Db, actor: Actor, password: string, info: RequestInfo, cfg: SecurityConfig): Promise<void> {
  const key = `${actor.username}#reauth`;
  const address = info.clientAddress ?? "unknown";
  const r = await reserveAttempt(db, key, address, cfg);
  if (!r.ok) throw new AppError(429, "rate_limited", `Too many wrong passwords. Try again in ${r.retryAfterSeconds} seconds.`);
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.userId }, select: { passwordHash: true } });
  if (!(await verifyPassword(user.passwordHash, password))) throw ValidationError.field("currentPassword", "is not your current password");
  await recordSuccess(db, key, address);
}

export async function replaceRecoveryCodes(db: Db, actor: Actor, currentPassword: string, info: RequestInfo, cfg = securityConfig()): Promise<string[]> {
  try {
    await reconfirmPassword(db, actor, currentPassword, info, cfg);
    const codes = await regenerateRecoveryCodes(db, actor.userId);
    await audit(db, { actor, action: "auth.mfa_recovery_codes", entityType: "User", entityId: actor.userId, outcome: "success", request: info });
    return codes;
  } catch (e) {
    await audit(db, { actor, action: "auth.mfa_recovery_codes", entityType: "User", entityId: actor.userId, outcome: "failure", request: info, details: { reason: (e as { code?: string }).code ?? "error" } });
    throw e;
  }
}

/** Turns one's own MFA off — not for roles that require it (409 mfa_required_for_role). */
export async function turnOffOwnMfa(db: Db, actor: Actor, currentPassword: string, info: RequestInfo, cfg = securityConfig()): Promise<void> {
  try {
    if (mfaRequiredFor(actor.role)) throw new AppError(409, "mfa_required_for_role", `The ${actor.role} role requires two-factor authentication; it cannot be turned off.`);
    const status = await mfaStatus(db, actor.userId);
    if (!status.enabled) throw new AppError(409, "mfa_not_enabled", "Two-factor authentication is not on.");
    await reconfirmPassword(db, actor, currentPassword, info, cfg);
    await removeMfa(db, actor.userId);
    await audit(db, { actor, action: "auth.mfa_disable", entityType: "User", entityId: actor.userId, outcome: "success", request: info });
  } catch (e) {
    await audit(db, { actor, action: "auth.mfa_disable", entityType: "User", entityId: actor.userId, outcome: "failure", request: info, details: { reason: (e as { code?: string }).code ?? "error" } });
    throw e;
  }
}
