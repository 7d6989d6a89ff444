import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "./actor";
import { securityConfig, type SecurityConfig } from "./config";
import { hashToken, newSessionToken } from "./session-token";
import { mfaRequiredFor } from "./mfa-policy";
import type { SessionSummary } from "@/lib/domain/responses";

type Db = Pick<PrismaClient, "session">;

export type NewSession = { token: string; csrfToken: string; sessionId: string; expiresAt: Date; maxAgeSeconds: number };

/** A fresh session on every sign-in (no fixation): only the token's hash is stored. */
export async function createSession(
  db: Db,
  userId: string,
  info: RequestInfo | null,
  cfg: SecurityConfig = securityConfig(),
  now = new Date(),
): Promise<NewSession> {
  const token = newSessionToken();
  const csrfToken = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + cfg.absoluteTimeoutMs);
  const s = await db.session.create({
    data: {
      tokenHash: hashToken(token),
      userId,
      csrfToken,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      clientAddress: info?.clientAddress ?? null,
      userAgent: info?.userAgent?.slice(0, 512) ?? null,
    },
  });
  return { token, csrfToken, sessionId: s.id, expiresAt, maxAgeSeconds: Math.floor(cfg.absoluteTimeoutMs / 1000) };
}

export type ResolvedSession = Actor & { expiresAt: Date; idleExpiresAt: Date };

/**
 * Token → signed-in actor, or null when the session is unknown, revoked, past its absolute
 * lifetime, idle too long, or its user is disabled. Idle sessions are revoked on sight.
 * Touches lastSeenAt (at most once per touchInterval).
 */
export async function resolveSession(
  db: Db,
  token: string | null | undefined,
  cfg: SecurityConfig = securityConfig(),
  now = new Date(),
): Promise<ResolvedSession | null> {
  if (!token || token.length > 200) return null;
  const s = await db.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!s || s.revokedAt || s.user.disabled) return null;
  const idleDeadline = s.lastSeenAt.getTime() + cfg.idleTimeoutMs;
  if (s.expiresAt <= now || idleDeadline <= now.getTime()) {
    await db.session.updateMany({ where: { id: s.id, revokedAt: null }, data: { revokedAt: now } });
    return null;
  }
  let lastSeen = s.lastSeenAt;
  if (now.getTime() - s.lastSeenAt.getTime() >= cfg.touchIntervalMs) {
    await db.session.update({ where: { id: s.id }, data: { lastSeenAt: now } });
    lastSeen = now;
  }
  return {
    userId: s.user.id,
    username: s.user.username,
    displayName: s.user.displayName,
    role: s.user.role,
    sessionId: s.id,
    csrfToken: s.csrfToken,
    mfaEnrolmentRequired: mfaRequiredFor(s.user.role) && !s.user.mfaEnabledAt,
    locale: s.user.locale,
    expiresAt: s.expiresAt,
    idleExpiresAt: new Date(Math.min(s.expiresAt.getTime(), lastSeen.getTime() + cfg.idleTimeoutMs)),
  };
}

export async function revokeSession(db: Db, sessionId: string, now = new Date()): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
}

/** Logout everywhere (and what an admin does when disabling an account). Returns how many. */
export async function revokeAllSessions(db: Db, userId: string, now = new Date()): Promise<number> {
  const r = await db.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
  return r.count;
}

export type { SessionSummary };

/** The user's live sessions (not revoked, not past their absolute end), newest first. */
export async function listActiveSessions(db: Db, userId: string, currentId: string | null, cfg: SecurityConfig = securityConfig(), now = new Date()): Promise<SessionSummary[]> {
  const rows = await db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now }, lastSeenAt: { gt: new Date(now.getTime() - cfg.idleTimeoutMs) } },
    orderBy: { lastSeenAt: "desc" },
    take: 50,
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, clientAddress: true, userAgent: true },
  });
  return rows.map((r) => ({ ...r, current: r.id === currentId, createdAt: r.createdAt.toISOString(), lastSeenAt: r.lastSeenAt.toISOString(), expiresAt: r.expiresAt.toISOString() }));
}

/**
 * Deletes sessions that ended (revoked or expired) more than `keepDays` ago — they hold no audit
 * value (sign-ins and sign-outs are in AuditEvent). Run it daily from the worker or cron.
 */
export async function purgeEndedSessions(db: Db, keepDays = 30, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - keepDays * 86_400_000);
  const r = await db.session.deleteMany({ where: { OR: [{ revokedAt: { lt: before } }, { expiresAt: { lt: before } }] } });
  return r.count;
}
