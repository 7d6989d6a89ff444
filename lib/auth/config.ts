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
  /** whether the published demo accounts may sign in here (demoUsersMode) */
  demoUsersAllowed: boolean;
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
    demoUsersAllowed: demoUsersMode(env).allowed,
  };
}

/** Loopback names and addresses: localhost, 127.0.0.0/8, ::1 (bracketed or IPv4-mapped too). */
export function isLoopbackHost(host: string | undefined): boolean {
  const h = host?.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (!h) return false;
  if (h === "localhost") return true;
  const v4 = h.replace(/^::ffff:/, "");
  return h === "::1" || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(v4);
}

export type DemoUsersMode = { allowed: boolean; why: "enabled" | "loopback" | "network" | "disabled" };

/**
 * The demo accounts have published passwords, so they work only where nobody else can reach the
 * server: while it listens on loopback (HOSTNAME, which scripts/server.mjs sets to the address it
 * binds; npm start's default is 127.0.0.1), or when FUSION_DEMO_USERS=1 says so explicitly.
 * FUSION_DEMO_USERS=0 switches them off everywhere. An unknown HOSTNAME counts as the network.
 */
export function demoUsersMode(env: NodeJS.ProcessEnv = process.env): DemoUsersMode {
  if (env.FUSION_DEMO_USERS === "1") return { allowed: true, why: "enabled" };
  if (env.FUSION_DEMO_USERS === "0") return { allowed: false, why: "disabled" };
  return isLoopbackHost(env.HOSTNAME) ? { allowed: true, why: "loopback" } : { allowed: false, why: "network" };
}

export function demoUsersAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return demoUsersMode(env).allowed;
}
