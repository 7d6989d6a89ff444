import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { SecurityConfig } from "./config";

/**
 * Sign-in throttling (replaces account lockout, which let anyone lock a real user out).
 *
 * - Per (account, address) — the account as typed, so unknown usernames behave exactly like real
 *   ones: `freeFailures` failures are free, then each further try must wait `backoff(n)` after the
 *   n-th failure: base, 2·base, 4·base … up to `backoffMaxMs`. A guesser only ever slows down their
 *   own address; the real user signing in from anywhere else is not affected. Forgotten after a
 *   day without failures; a successful sign-in resets the pair and marks the address as known.
 * - Per address — `addressLimit` failures per `addressWindowMs` over all accounts, high enough for
 *   a ward behind one NAT address. Past it, the address waits for the window to end, except for
 *   accounts that signed in from it within `knownAddressMs` (so a guesser behind the NAT cannot
 *   keep its regular users out either).
 *
 * The try is counted before the password is checked, in one atomic upsert that refuses when the
 * pair must wait: parallel guesses cannot slip past. State is in the database (LoginThrottle), so
 * every web process agrees.
 */
type Db = Pick<PrismaClient, "loginThrottle" | "$queryRaw" | "$executeRaw">;

export type ThrottleScope = "account_address" | "address";
export type Reservation = { ok: true; knownAddress: boolean } | { ok: false; scope: ThrottleScope; retryAfterSeconds: number };

const pairKey = (address: string, username: string) => `pair|${address}|${username}`;
const addressKey = (address: string) => `address|${address}`;

/** How long a pair must wait after its n-th failure (0 while failures are still free). */
export function backoffMs(failures: number, cfg: Pick<SecurityConfig, "freeFailures" | "backoffBaseMs" | "backoffMaxMs">): number {
  if (failures < cfg.freeFailures) return 0;
  return Math.min(cfg.backoffMaxMs, cfg.backoffBaseMs * 2 ** Math.min(failures - cfg.freeFailures, 40));
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Before checking a password: may (username, address) try now? When it may, the try is already
 * counted as a failure of the pair (recordSuccess undoes that).
 */
export async function reserveAttempt(db: Db, username: string, address: string, cfg: SecurityConfig, now = new Date()): Promise<Reservation> {
  const pk = pairKey(address, username);
  const pair = await db.loginThrottle.findUnique({ where: { key: pk }, select: { lastSuccessAt: true } });
  const knownAddress = !!pair?.lastSuccessAt && now.getTime() - pair.lastSuccessAt.getTime() < cfg.knownAddressMs;

  if (!knownAddress) {
    const a = await db.loginThrottle.findUnique({ where: { key: addressKey(address) }, select: { failures: true, windowStart: true } });
    if (a?.windowStart && a.failures >= cfg.addressLimit) {
      const ends = a.windowStart.getTime() + cfg.addressWindowMs;
      if (ends > now.getTime()) return { ok: false, scope: "address", retryAfterSeconds: seconds(ends - now.getTime()) };
    }
  }

  const forgetBefore = new Date(now.getTime() - cfg.pairForgetMs);
  // One statement: count the try unless the pair must still wait. ON CONFLICT DO UPDATE locks the
  // row and re-reads it, so of N parallel tries at most `freeFailures` get through.
  const rows = await db.$queryRaw<{ failures: number }[]>`
    INSERT INTO "LoginThrottle" AS t ("key", "kind", "username", "address", "failures", "lastFailureAt", "updatedAt")
    VALUES (${pk}, 'pair', ${username}, ${address}, 1, ${now}::timestamptz, ${now}::timestamptz)
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN t."lastFailureAt" IS NULL OR t."lastFailureAt" < ${forgetBefore}::timestamptz THEN 1 ELSE t."failures" + 1 END,
      "lastFailureAt" = ${now}::timestamptz,
      "updatedAt" = ${now}::timestamptz
    WHERE t."failures" < ${cfg.freeFailures}::int
       OR t."lastFailureAt" IS NULL
       OR t."lastFailureAt" < ${forgetBefore}::timestamptz
       OR t."lastFailureAt" + LEAST(${cfg.backoffMaxMs}::float8, ${cfg.backoffBaseMs}::float8 * power(2, LEAST(t."failures" - ${cfg.freeFailures}::int, 40)))
            * interval '1 millisecond' <= ${now}::timestamptz
    RETURNING "failures"`;
  if (rows.length) return { ok: true, knownAddress };

  const row = await db.loginThrottle.findUnique({ where: { key: pk }, select: { failures: true, lastFailureAt: true } });
  const until = (row?.lastFailureAt?.getTime() ?? now.getTime()) + backoffMs(row?.failures ?? cfg.freeFailures, cfg);
  return { ok: false, scope: "account_address", retryAfterSeconds: seconds(until - now.getTime()) };
}

/** After a wrong password (the pair's try is already counted): one more failure for the address. */
export async function recordFailure(db: Db, address: string, cfg: SecurityConfig, now = new Date()): Promise<void> {
  const windowFrom = new Date(now.getTime() - cfg.addressWindowMs);
  await db.$executeRaw`
    INSERT INTO "LoginThrottle" AS t ("key", "kind", "address", "failures", "windowStart", "lastFailureAt", "updatedAt")
    VALUES (${addressKey(address)}, 'address', ${address}, 1, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz)
    ON CONFLICT ("key") DO UPDATE SET
      "failures" = CASE WHEN t."windowStart" IS NULL OR t."windowStart" <= ${windowFrom}::timestamptz THEN 1 ELSE t."failures" + 1 END,
      "windowStart" = CASE WHEN t."windowStart" IS NULL OR t."windowStart" <= ${windowFrom}::timestamptz THEN ${now}::timestamptz ELSE t."windowStart" END,
      "lastFailureAt" = ${now}::timestamptz,
      "updatedAt" = ${now}::timestamptz`;
}

/** A successful sign-in: the pair starts over, and the address is known for this account. */
export async function recordSuccess(db: Db, username: string, address: string, now = new Date()): Promise<void> {
  const pk = pairKey(address, username);
  await db.loginThrottle.upsert({
    where: { key: pk },
    create: { key: pk, kind: "pair", username, address, failures: 0, lastSuccessAt: now, updatedAt: now },
    update: { failures: 0, lastFailureAt: null, lastSuccessAt: now, updatedAt: now },
  });
}

/**
 * Usernames (of those given) that must currently wait before signing in from some address — what
 * the admin users page shows as "sign-in throttled".
 */
export async function throttledUsernames(db: Db, usernames: string[], cfg: SecurityConfig, now = new Date()): Promise<Set<string>> {
  if (!usernames.length) return new Set();
  const rows = await db.loginThrottle.findMany({
    where: { kind: "pair", username: { in: usernames }, failures: { gte: cfg.freeFailures } },
    select: { username: true, failures: true, lastFailureAt: true },
  });
  return new Set(
    rows.filter((r) => r.lastFailureAt && r.lastFailureAt.getTime() + backoffMs(r.failures, cfg) > now.getTime()).map((r) => r.username!),
  );
}

/** An admin's "unlock": forgets the account's failures from every address (known addresses stay known). */
export async function clearThrottle(db: Db, username: string, now = new Date()): Promise<number> {
  const r = await db.loginThrottle.updateMany({ where: { kind: "pair", username, failures: { gt: 0 } }, data: { failures: 0, lastFailureAt: null, updatedAt: now } });
  return r.count;
}

/**
 * Deletes rows that no longer matter: address windows long over, pairs with no failure for a day
 * and no success within the known-address period.
 */
export async function purgeThrottle(db: Db, cfg: SecurityConfig, now = new Date()): Promise<number> {
  const forget = new Date(now.getTime() - cfg.pairForgetMs);
  const known = new Date(now.getTime() - cfg.knownAddressMs);
  const windowFrom = new Date(now.getTime() - cfg.addressWindowMs);
  const r = await db.loginThrottle.deleteMany({
    where: {
      OR: [
        { kind: "address", OR: [{ windowStart: null }, { windowStart: { lt: windowFrom } }] },
        {
          kind: "pair",
          AND: [{ OR: [{ lastFailureAt: null }, { lastFailureAt: { lt: forget } }] }, { OR: [{ lastSuccessAt: null }, { lastSuccessAt: { lt: known } }] }],
        },
      ],
    },
  });
  return r.count;
}
