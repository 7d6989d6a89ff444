/**
 * Security settings, from the environment only (never from the database or the request).
 * Defaults follow OWASP ASVS L2: 15 min idle, 8 h absolute session lifetime; 5 failed sign-ins
 * within 15 min lock the account for 15 min; 20 failed sign-ins per client address per 15 min.
 */
export type SecurityConfig = {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** lastSeenAt is written at most this often, so reads do not turn every request into a write */
  touchIntervalMs: number;
  lockoutThreshold: number;
  lockoutWindowMs: number;
  lockoutDurationMs: number;
  ipAttemptLimit: number;
  ipWindowMs: number;
};

function num(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key} must be a positive number (got "${raw}")`);
  return n;
}

const MIN = 60_000;

export function securityConfig(env: NodeJS.ProcessEnv = process.env): SecurityConfig {
  return {
    idleTimeoutMs: num(env, "FUSION_SESSION_IDLE_MINUTES", 15) * MIN,
    absoluteTimeoutMs: num(env, "FUSION_SESSION_ABSOLUTE_HOURS", 8) * 60 * MIN,
    touchIntervalMs: Math.min(60_000, (num(env, "FUSION_SESSION_IDLE_MINUTES", 15) * MIN) / 10),
    lockoutThreshold: num(env, "FUSION_LOCKOUT_THRESHOLD", 5),
    lockoutWindowMs: num(env, "FUSION_LOCKOUT_WINDOW_MINUTES", 15) * MIN,
    lockoutDurationMs: num(env, "FUSION_LOCKOUT_MINUTES", 15) * MIN,
    ipAttemptLimit: num(env, "FUSION_LOGIN_IP_LIMIT", 20),
    ipWindowMs: num(env, "FUSION_LOGIN_IP_WINDOW_MINUTES", 15) * MIN,
  };
}

/** Demo accounts are for demos: refused in production unless explicitly enabled. */
export function demoUsersAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== "production" || env.FUSION_DEMO_USERS === "1";
}
