import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import type { RequestInfo } from "./actor";
import { audit } from "./audit";
import { securityConfig, type SecurityConfig } from "./config";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { purgeThrottle, recordFailure, recordSuccess, reserveAttempt, type ThrottleScope } from "./throttle";
import { createSession, type NewSession } from "./sessions";
import { isDemoUsername, normalizeUsername } from "./users";

type Db = Pick<PrismaClient, "user" | "session" | "auditEvent" | "loginThrottle" | "$queryRaw" | "$executeRaw">;

export type SignInFailure = "invalid_credentials" | "disabled" | "throttled" | "demo_disabled";
export type SignInResult =
  | { ok: true; session: NewSession; user: { id: string; username: string; displayName: string; role: Role } }
  | { ok: false; reason: SignInFailure; retryAfterSeconds?: number; scope?: ThrottleScope };

// Stale throttle rows are swept at most this often per process, after a sign-in attempt.
const PURGE_EVERY_MS = 10 * 60_000;
const g = globalThis as unknown as { __fcdsThrottlePurgedAt?: number };

/**
 * Username + password → a new session, or a reason. Every attempt is audited (auth.login success /
 * failure / denied, with the reason in details; the client only ever sees "wrong username or
 * password" or "wait"). Throttling per (account, address) and per address: lib/auth/throttle.ts.
 * Unknown users cost the same argon2 time as wrong passwords; a throttled try checks no password
 * at all (it answers the same for real and unknown usernames).
 */
export async function signIn(
  db: Db,
  input: { username: string; password: string },
  info: RequestInfo,
  cfg: SecurityConfig = securityConfig(),
  now = new Date(),
): Promise<SignInResult> {
  const username = normalizeUsername(input.username).slice(0, 200);
  const address = info.clientAddress ?? "unknown";
  const fail = async (reason: SignInFailure, user: { id: string; role: Role } | null, details: Record<string, unknown> = {}) => {
    if (reason !== "throttled") await recordFailure(db, address, cfg, now);
    await audit(db, {
      actor: user ? { userId: user.id, username, displayName: "", role: user.role, sessionId: "", csrfToken: "" } : null,
      username,
      action: "auth.login",
      entityType: "User",
      entityId: user?.id ?? null,
      outcome: reason === "throttled" || reason === "demo_disabled" ? "denied" : "failure",
      request: info,
      details: { reason, ...details },
    });
  };

  const r = await reserveAttempt(db, username, address, cfg, now);
  if (!r.ok) {
    await fail("throttled", null, { scope: r.scope, retryAfterSeconds: r.retryAfterSeconds });
    return { ok: false, reason: "throttled", retryAfterSeconds: r.retryAfterSeconds, scope: r.scope };
  }
  await maybePurge(db, cfg, now);

  const user = await db.user.findUnique({ where: { username } });
  if (user && isDemoUsername(user.username) && !cfg.demoUsersAllowed) {
    // published password, server reachable from the network: refused, at the same cost as a check
    await verifyAgainstDummy(input.password);
    await fail("demo_disabled", user);
    return { ok: false, reason: "invalid_credentials" };
  }
  if (!user) {
    await verifyAgainstDummy(input.password);
    await fail("invalid_credentials", null, { cause: "unknown_user" });
    return { ok: false, reason: "invalid_credentials" };
  }
  const good = await verifyPassword(user.passwordHash, input.password);
  if (!good) {
    await fail("invalid_credentials", user, { cause: "bad_password" });
    return { ok: false, reason: "invalid_credentials" };
  }
  if (user.disabled) {
    await fail("disabled", user);
    return { ok: false, reason: "invalid_credentials" };
  }

  await recordSuccess(db, username, address, now);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  const session = await createSession(db, user.id, info, cfg, now);
  await audit(db, {
    actor: { userId: user.id, username: user.username, displayName: user.displayName, role: user.role, sessionId: session.sessionId, csrfToken: "" },
    action: "auth.login",
    entityType: "User",
    entityId: user.id,
    outcome: "success",
    request: info,
    details: { sessionId: session.sessionId, knownAddress: r.knownAddress },
  });
  return { ok: true, session, user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role } };
}

async function maybePurge(db: Db, cfg: SecurityConfig, now: Date): Promise<void> {
  if (g.__fcdsThrottlePurgedAt && now.getTime() - g.__fcdsThrottlePurgedAt < PURGE_EVERY_MS) return;
  g.__fcdsThrottlePurgedAt = now.getTime();
  try {
    await purgeThrottle(db, cfg, now);
  } catch (e) {
    console.error("[auth] could not purge old sign-in throttle rows:", (e as Error).message);
  }
}
