import { hash, verify } from "@node-rs/argon2";
import { isCommonPassword } from "./common-passwords";

// Algorithm.Argon2id (a const enum, which isolatedModules cannot import)
const ARGON2ID = 2;

/**
 * argon2id with OWASP's recommended minimum (19 MiB, t=2, p=1). The parameters are stored in the
 * PHC string, so raising them later still verifies old hashes.
 */
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize("NFKC"), ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize("NFKC"));
  } catch {
    return false;
  }
}

// Verified against when the username is unknown, so "no such user" costs as long as "wrong
// password" and response time does not reveal which usernames exist.
let dummy: Promise<string> | null = null;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword("fusion-cds-dummy-password-for-timing");
  await verifyPassword(await dummy, password);
  return false;
}

export type PasswordIssue = { code: string; message: string };

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * ASVS 2.1: at least 12 characters, up to 128, any characters allowed (no composition rules),
 * not the username or display name, not a common or breached password (common-passwords.ts: the
 * zxcvbn-ts list of 49k, normalised, decorations such as "123!" stripped).
 */
export function checkPasswordPolicy(password: string, ctx: { username?: string; displayName?: string } = {}): PasswordIssue[] {
  const issues: PasswordIssue[] = [];
  const p = password.normalize("NFKC");
  const chars = [...p].length;
  if (chars < PASSWORD_MIN_LENGTH) issues.push({ code: "too_short", message: `must be at least ${PASSWORD_MIN_LENGTH} characters` });
  if (chars > PASSWORD_MAX_LENGTH) issues.push({ code: "too_long", message: `must be at most ${PASSWORD_MAX_LENGTH} characters` });
  const lower = p.toLowerCase();
  const compact = lower.replace(/[\s._-]+/g, "");
  const u = ctx.username?.toLowerCase();
  if (u && (lower === u || compact === u.replace(/[\s._-]+/g, "") || (u.length >= 4 && lower.includes(u))))
    issues.push({ code: "contains_username", message: "must not be or contain the username" });
  const d = ctx.displayName?.toLowerCase().replace(/[\s._-]+/g, "");
  if (d && d.length >= 4 && compact.includes(d)) issues.push({ code: "contains_name", message: "must not contain the user's name" });
  if (isCommonPassword(p) || /^(.)\1+$/.test(p))
    issues.push({ code: "too_common", message: "is a commonly used password; choose a longer, less predictable passphrase" });
  return issues;
}
