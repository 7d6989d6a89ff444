import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import type { Actor } from "./actor";

/**
 * Per-user limits on costly actions (issue 10, Low 20): each scan upload decodes an image and
 * queues a model run, each re-assessment runs the model. A token bucket per (user, action) in the
 * database (table ActionLimit), so every web process shares it: `burst` tokens, refilled at
 * `perMinute` a minute. Past it: 429 rate_limited with Retry-After, before the request body is read.
 *
 * | env | default |
 * |---|---|
 * | FUSION_UPLOAD_LIMIT_PER_MINUTE | 30 uploads a minute per user (burst 30) |
 * | FUSION_REASSESS_LIMIT_PER_MINUTE | 20 re-assessments a minute per user (burst 20) |
 */
export type LimitedAction = "scan.upload" | "assessment.run";
export type ActionLimitConfig = { perMinute: number; burst: number };

const WORDS: Record<LimitedAction, string> = { "scan.upload": "scan uploads", "assessment.run": "re-assessments" };

function perMinute(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key} must be a positive number (got "${raw}")`);
  return n;
}

export function actionLimitConfig(action: LimitedAction, env: NodeJS.ProcessEnv = process.env): ActionLimitConfig {
  const n = action === "scan.upload" ? perMinute(env, "FUSION_UPLOAD_LIMIT_PER_MINUTE", 30) : perMinute(env, "FUSION_REASSESS_LIMIT_PER_MINUTE", 20);
  return { perMinute: n, burst: Math.max(1, Math.floor(n)) };
}

export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "rate_limited", message);
  }
}

type Db = Pick<PrismaClient, "$queryRaw">;

/**
 * Takes one token in one atomic statement (the upsert locks the bucket's row, so parallel requests
 * cannot overdraw it): ok, or how many seconds until the next token.
 */
export async function takeActionToken(
  db: Db,
  userId: string,
  action: string,
  cfg: ActionLimitConfig,
  now: Date = new Date(),
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const rate = cfg.perMinute / 60; // tokens a second
  const taken = await db.$queryRaw<{ tokens: number }[]>`
    INSERT INTO "ActionLimit" ("userId", "action", "tokens", "updatedAt")
    VALUES (${userId}::uuid, ${action}, ${cfg.burst - 1}, ${now}::timestamptz)
    ON CONFLICT ("userId", "action") DO UPDATE SET
      "tokens" = LEAST(${cfg.burst}::float8, "ActionLimit"."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (${now}::timestamptz - "ActionLimit"."updatedAt"))) * ${rate}::float8) - 1,
      "updatedAt" = GREATEST("ActionLimit"."updatedAt", ${now}::timestamptz)
    WHERE LEAST(${cfg.burst}::float8, "ActionLimit"."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (${now}::timestamptz - "ActionLimit"."updatedAt"))) * ${rate}::float8) >= 1
    RETURNING "tokens"`;
  if (taken.length) return { ok: true };
  const [b] = await db.$queryRaw<{ available: number }[]>`
    SELECT LEAST(${cfg.burst}::float8, "tokens" + GREATEST(0, EXTRACT(EPOCH FROM (${now}::timestamptz - "updatedAt"))) * ${rate}::float8) AS available
      FROM "ActionLimit" WHERE "userId" = ${userId}::uuid AND "action" = ${action}`;
  const missing = 1 - Number(b?.available ?? 0);
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / rate - 1e-9)) };
}

/** Throws 429 (RateLimitedError, Retry-After) when the user has used up this action for now. */
export async function enforceActionLimit(db: Db, actor: Actor, action: LimitedAction, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const cfg = actionLimitConfig(action, env);
  const r = await takeActionToken(db, actor.userId, action, cfg);
  if (!r.ok)
    throw new RateLimitedError(
      `Too many ${WORDS[action]}: at most ${cfg.perMinute} a minute per user. Try again in ${r.retryAfterSeconds} s.`,
      r.retryAfterSeconds,
    );
}
