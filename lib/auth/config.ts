/**
 * Security settings, from the environment only (never from the database or the request).
 * Defaults follow OWASP ASVS L2: 15 min idle, 8 h absolute session lifetime. Sign-in throttling
 * (lib/auth/throttle.ts): per (account, address) 5 failures are free, then each further try waits
 * 30 s, doubling up to 15 min; per address 100 failures per 15 min (addresses an account has signed
 * in from before are exempt for that account).
 */
export type SecurityConfig = {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** lastSeenAt is written at most this often, so reads do not turn every request into a write */
  touchIntervalMs: number;
  /** failures of one (account, address) pair before it has to wait */
  freeFailures: number;
  /** the wait after the first throttled failure; doubles with each further failure */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** a pair's failures are forgotten after this long without one */
  pairForgetMs: number;
  /** failures per address per window (whatever the account) before the address waits */
  addressLimit: number;
  addressWindowMs: number;
  /** an address the account signed in from within this long is exempt from the address limit */
  knownAddressMs: number;
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
    freeFailures: num(env, "FUSION_LOGIN_FREE_FAILURES", 5),
    backoffBaseMs: num(env, "FUSION_LOGIN_BACKOFF_SECONDS", 30) * 1000,
    backoffMaxMs: num(env, "FUSION_LOGIN_BACKOFF_MAX_MINUTES", 15) * MIN,
    pairForgetMs: 24 * 60 * MIN,
    addressLimit: num(env, "FUSION_LOGIN_ADDRESS_LIMIT", 100),
    addressWindowMs: num(env, "FUSION_LOGIN_ADDRESS_WINDOW_MINUTES", 15) * MIN,
    knownAddressMs: num(env, "FUSION_LOGIN_KNOWN_ADDRESS_DAYS", 90) * 24 * 60 * MIN,
  };
}

/** Demo accounts are for demos: refused in production unless explicitly enabled. */
export function demoUsersAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== "production" || env.FUSION_DEMO_USERS === "1";
}
