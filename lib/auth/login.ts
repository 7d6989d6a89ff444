import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import type { RequestInfo } from "./actor";
import { audit } from "./audit";
import { securityConfig, type SecurityConfig } from "./config";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { SlidingWindowLimiter } from "./rate-limit";
import { createSession, type NewSession } from "./sessions";
import { normalizeUsername } from "./users";

type Db = Pick<PrismaClient, "user" | "session" | "auditEvent" | "$queryRaw">;

export type SignInFailure = "invalid_credentials" | "locked" | "disabled" | "rate_limited";
export type SignInResult =
  | { ok: true; session: NewSession; user: { id: string; username: string; displayName: string; role: Role } }
  | { ok: false; reason: SignInFailure; retryAfterSeconds?: number };

// One per process (see rate-limit.ts). Keyed by client address.
const g = globalThis as unknown as { __fcdsLoginLimiter?: SlidingWindowLimiter };
export function loginLimiter(cfg: SecurityConfig = securityConfig()): SlidingWindowLimiter {
  g.__fcdsLoginLimiter ??= new SlidingWindowLimiter(cfg.ipAttemptLimit, cfg.ipWindowMs);
  return g.__fcdsLoginLimiter;
}

/**
 * Username + password → a new session, or a reason. Every attempt is audited (auth.login success /
 * failure, with the reason in details — the reason is never shown to the client beyond "locked").
 * Lockout: lockoutThreshold failures, each within lockoutWindow of the previous one, lock the
 * account for lockoutDuration; counted by one atomic UPDATE so parallel guesses cannot slip past.
 */
export async function signIn(
  db: Db,
  input: { username: string; password: string },
  info: RequestInfo,
  cfg: SecurityConfig = securityConfig(),
  now = new Date(),
): Promise<SignInResult> {
  const username = normalizeUsername(input.username).slice(0, 200);
  const fail = async (reason: SignInFailure, userId: string | null, role: Role | null, details: Record<string, unknown> = {}) => {
    if (reason !== "rate_limited") loginLimiter(cfg).hit(info.clientAddress ?? "unknown", now.getTime());
    await audit(db, {
      actor: userId ? { userId, username, displayName: "", role: role!, sessionId: "", csrfToken: "" } : null,
      username,
      action: "auth.login",
      entityType: "User",
      entityId: userId,
      outcome: reason === "rate_limited" || reason === "locked" ? "denied" : "failure",
      request: info,
      details: { reason, ...details },
    });
  };

  // Failed attempts per client address (successes do not count, so a ward sharing one NAT
  // address can still sign in all day).
  const ipKey = info.clientAddress ?? "unknown";
  const limiter = loginLimiter(cfg);
  if (limiter.isBlocked(ipKey, now.getTime())) {
    await fail("rate_limited", null, null);
    return { ok: false, reason: "rate_limited", retryAfterSeconds: limiter.retryAfterSeconds(ipKey, now.getTime()) };
  }

  const user = await db.user.findUnique({ where: { username } });
  if (!user) {
    await verifyAgainstDummy(input.password);
    await fail("invalid_credentials", null, null, { cause: "unknown_user" });
    return { ok: false, reason: "invalid_credentials" };
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    // still verify, so a locked account answers as slowly as an open one
    await verifyAgainstDummy(input.password);
    await fail("locked", user.id, user.role, { lockedUntil: user.lockedUntil.toISOString() });
    return { ok: false, reason: "locked", retryAfterSeconds: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000) };
  }
  const good = await verifyPassword(user.passwordHash, input.password);
  if (!good) {
    const windowStart = new Date(now.getTime() - cfg.lockoutWindowMs);
    const lockUntil = new Date(now.getTime() + cfg.lockoutDurationMs);
    const rows = await db.$queryRaw<{ failedLogins: number; lockedUntil: Date | null }[]>`
      UPDATE "User" SET
        "failedLogins" = CASE WHEN "lastFailedLoginAt" IS NOT NULL AND "lastFailedLoginAt" > ${windowStart}::timestamptz
                              THEN "failedLogins" + 1 ELSE 1 END,
        "lastFailedLoginAt" = ${now}::timestamptz,
        "updatedAt" = ${now}::timestamptz
      WHERE "id" = ${user.id}::uuid
      RETURNING "failedLogins", "lockedUntil"`;
    const count = rows[0]?.failedLogins ?? 0;
    let locked = false;
    if (count >= cfg.lockoutThreshold) {
      await db.user.update({ where: { id: user.id }, data: { lockedUntil: lockUntil, failedLogins: 0 } });
      locked = true;
    }
    await fail("invalid_credentials", user.id, user.role, { cause: "bad_password", failures: count, locked });
    if (locked) {
      await audit(db, {
        actor: null,
        username,
        action: "auth.lockout",
        entityType: "User",
        entityId: user.id,
        outcome: "denied",
        request: info,
        details: { until: lockUntil.toISOString(), failures: count },
      });
    }
    return { ok: false, reason: "invalid_credentials" };
  }
  if (user.disabled) {
    await fail("disabled", user.id, user.role);
    return { ok: false, reason: "invalid_credentials" };
  }

  await db.user.update({
    where: { id: user.id },
    data: { failedLogins: 0, lastFailedLoginAt: null, lockedUntil: null, lastLoginAt: now },
  });
  const session = await createSession(db, user.id, info, cfg, now);
  await audit(db, {
    actor: { userId: user.id, username: user.username, displayName: user.displayName, role: user.role, sessionId: session.sessionId, csrfToken: "" },
    action: "auth.login",
    entityType: "User",
    entityId: user.id,
    outcome: "success",
    request: info,
    details: { sessionId: session.sessionId },
  });
  return { ok: true, session, user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role } };
}
