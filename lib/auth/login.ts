import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import type { RequestInfo } from "./actor";
import { audit } from "./audit";
import { securityConfig, type SecurityConfig } from "./config";
import { verifyAgainstDummy, verifyPassword } from "./password";
import { purgeThrottle, recordFailure, recordSuccess, reserveAttempt, type ThrottleScope } from "./throttle";
import { createSession, type NewSession } from "./sessions";
import { isDemoUsername, normalizeUsername } from "./users";
import { acceptTotp, consumeChallenge, consumeRecoveryCode, createChallenge, failChallenge, findChallenge, recoveryCodesLeft } from "./mfa";
import { mfaRequiredFor } from "./mfa-policy";
import { processGlobals } from "@/lib/platform/process-globals";

type Db = Pick<PrismaClient, "user" | "session" | "auditEvent" | "loginThrottle" | "mfaRecoveryCode" | "mfaChallenge" | "$queryRaw" | "$executeRaw">;

type SignedInUser = { id: string; username: string; displayName: string; role: Role };
export type SignInFailure = "invalid_credentials" | "disabled" | "throttled" | "demo_disabled" | "invalid_code" | "challenge_expired";
export type SignInResult =
  /** signed in; mfaEnrolmentRequired: the role needs MFA and none is enrolled (only enrolment works) */
  | { ok: true; step: "session"; session: NewSession; user: SignedInUser; mfaEnrolmentRequired: boolean }
  /** the password was right; the session comes after the code (signInSecondFactor) */
  | { ok: true; step: "mfa"; challenge: { token: string; expiresAt: Date }; user: SignedInUser }
  | { ok: false; reason: SignInFailure; retryAfterSeconds?: number; scope?: ThrottleScope; triesLeft?: number };

/** The throttle key of the code step: its own (account, address) pairs ('#' is never in a username). */
const mfaKey = (username: string) => `${username}#mfa`;

// Stale throttle rows are swept at most this often per process, after a sign-in attempt.
const PURGE_EVERY_MS = 10 * 60_000;
const g = processGlobals<{ __fcdsThrottlePurgedAt?: number }>();

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

  const who: SignedInUser = { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
  if (user.mfaEnabledAt) {
    // Two steps: no session yet. The password pair is reset only when the code is right too.
    const challenge = await createChallenge(db, user.id, info.clientAddress, now);
    await audit(db, {
      actor: null,
      username,
      action: "auth.mfa_challenge",
      entityType: "User",
      entityId: user.id,
      outcome: "success",
      request: info,
      details: { expiresAt: challenge.expiresAt.toISOString() },
    });
    return { ok: true, step: "mfa", challenge, user: who };
  }
  await recordSuccess(db, username, address, now);
  return startSession(db, who, info, cfg, now, { knownAddress: r.knownAddress, mfa: "none" });
}

async function startSession(
  db: Db,
  user: SignedInUser,
  info: RequestInfo,
  cfg: SecurityConfig,
  now: Date,
  details: Record<string, unknown>,
): Promise<SignInResult & { ok: true; step: "session" }> {
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  const session = await createSession(db, user.id, info, cfg, now);
  const mfaEnrolmentRequired = mfaRequiredFor(user.role) && details.mfa === "none";
  await audit(db, {
    actor: { ...user, userId: user.id, sessionId: session.sessionId, csrfToken: "" },
    action: "auth.login",
    entityType: "User",
    entityId: user.id,
    outcome: "success",
    request: info,
    details: { sessionId: session.sessionId, ...details, ...(mfaEnrolmentRequired ? { mfaEnrolmentRequired } : {}) },
  });
  return { ok: true, step: "session", session, user, mfaEnrolmentRequired };
}

/**
 * The code step: the challenge from the password step + a TOTP code (or a recovery code) → a
 * session. Throttled like passwords (its own (account, address) pairs, and the address limit),
 * and each challenge allows CHALLENGE_MAX_ATTEMPTS tries. Audited as auth.login.
 */
export async function signInSecondFactor(
  db: Db,
  input: { token: string | null; code?: string; recoveryCode?: string },
  info: RequestInfo,
  cfg: SecurityConfig = securityConfig(),
  now = new Date(),
): Promise<SignInResult> {
  const address = info.clientAddress ?? "unknown";
  const challenge = await findChallenge(db, input.token, now);
  const user = challenge ? await db.user.findUnique({ where: { id: challenge.userId } }) : null;
  if (!challenge || !user || user.disabled || !user.mfaEnabledAt) {
    await audit(db, { actor: null, username: user?.username, action: "auth.login", entityType: "User", entityId: user?.id ?? null, outcome: "failure", request: info, details: { reason: "challenge_expired", step: "mfa" } });
    return { ok: false, reason: "challenge_expired" };
  }
  const who: SignedInUser = { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
  const actor = { ...who, userId: user.id, sessionId: "", csrfToken: "" };

  const r = await reserveAttempt(db, mfaKey(user.username), address, cfg, now);
  if (!r.ok) {
    await audit(db, { actor, action: "auth.login", entityType: "User", entityId: user.id, outcome: "denied", request: info, details: { reason: "throttled", step: "mfa", scope: r.scope, retryAfterSeconds: r.retryAfterSeconds } });
    return { ok: false, reason: "throttled", retryAfterSeconds: r.retryAfterSeconds, scope: r.scope };
  }

  const method = input.recoveryCode ? "recovery_code" : "totp";
  const good = input.recoveryCode
    ? await consumeRecoveryCode(db, user.id, input.recoveryCode, now)
    : await acceptTotp(db, user, input.code ?? "", now.getTime());
  if (!good || !(await consumeChallenge(db, challenge.id, now))) {
    const triesLeft = good ? 0 : await failChallenge(db, challenge.id);
    await recordFailure(db, address, cfg, now);
    await audit(db, { actor, action: "auth.login", entityType: "User", entityId: user.id, outcome: "failure", request: info, details: { reason: "invalid_code", step: "mfa", method, triesLeft } });
    return { ok: false, reason: "invalid_code", triesLeft };
  }
  await recordSuccess(db, mfaKey(user.username), address, now);
  await recordSuccess(db, user.username, address, now);
  const details: Record<string, unknown> = { knownAddress: r.knownAddress, mfa: method };
  if (method === "recovery_code") details.recoveryCodesLeft = await recoveryCodesLeft(db, user.id);
  return startSession(db, who, info, cfg, now, details);
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
