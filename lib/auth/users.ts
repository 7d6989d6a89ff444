import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { ValidationError, ConflictError } from "@/lib/domain/errors";
import { personName } from "@/lib/domain/names";
import { demoUsersAllowed } from "./config";
import { AppError } from "@/lib/domain/errors";
import type { PublicUser } from "@/lib/domain/responses";
import type { Actor } from "./actor";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "./password";
import { SlidingWindowLimiter } from "./rate-limit";
import { enableMfaWithSecret } from "./mfa";
import { DEMO_ADMIN_TOTP_SECRET } from "./constants";
import { processGlobals } from "@/lib/platform/process-globals";

type Db = Pick<PrismaClient, "user">;
type DemoDb = Pick<PrismaClient, "user" | "mfaRecoveryCode" | "mfaChallenge" | "$executeRaw">;
type DbWithSessions = Pick<PrismaClient, "user" | "session">;

export const ROLES: readonly Role[] = ["clinician", "researcher", "admin"];
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$/;

export type NewUser = { username: string; displayName: string; role: Role; password: string };
/** An account as admins see it (lib/domain/responses.ts); `toPublicUser` makes one from a `publicUserSelect` row. */
export type { PublicUser };

export const publicUserSelect = {
  id: true,
  username: true,
  displayName: true,
  role: true,
  disabled: true,
  mfaEnabledAt: true,
  lastLoginAt: true,
  createdAt: true,
} as const;

type PublicUserRow = Omit<PublicUser, "mfaEnabledAt" | "lastLoginAt" | "createdAt"> & { mfaEnabledAt: Date | null; lastLoginAt: Date | null; createdAt: Date };

export function toPublicUser(u: PublicUserRow): PublicUser {
  return { ...u, mfaEnabledAt: u.mfaEnabledAt?.toISOString() ?? null, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, createdAt: u.createdAt.toISOString() };
}

export function normalizeUsername(u: string): string {
  return u.normalize("NFKC").trim().toLowerCase();
}

/** Validates the username, display name, role and password policy; throws ValidationError. */
export function validateNewUser(u: NewUser): NewUser {
  const username = normalizeUsername(u.username ?? "");
  const name = personName(120).safeParse(u.displayName ?? "");
  const displayName = name.success ? name.data : (u.displayName ?? "").trim();
  const issues: { path: string; message: string }[] = [];
  if (!USERNAME.test(username))
    issues.push({ path: "username", message: "3–64 characters: lower-case letters, digits, dot, dash or underscore" });
  if (!name.success) issues.push({ path: "displayName", message: name.error.issues[0].message });
  if (!ROLES.includes(u.role)) issues.push({ path: "role", message: `one of ${ROLES.join(", ")}` });
  for (const i of checkPasswordPolicy(u.password ?? "", { username, displayName }))
    issues.push({ path: "password", message: i.message });
  if (issues.length) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join("; "), issues);
  return { username, displayName, role: u.role, password: u.password };
}

/** Creates a user with an argon2id password hash. 409 when the username is taken. */
export async function createUser(db: Db, input: NewUser): Promise<PublicUser> {
  const u = validateNewUser(input);
  const existing = await db.user.findUnique({ where: { username: u.username }, select: { id: true } });
  if (existing) throw new ConflictError("username_taken", `The username ${u.username} is already taken.`);
  const created = await db.user.create({
    data: {
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      passwordHash: await hashPassword(u.password),
      passwordChangedAt: new Date(),
    },
    select: publicUserSelect,
  });
  return toPublicUser(created);
}

/** Sets a new password (policy-checked). Sessions are left to the caller to revoke. */
export async function setPassword(db: Db, userId: string, password: string, field = "password"): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const issues = checkPasswordPolicy(password, { username: user.username, displayName: user.displayName });
  if (issues.length)
    throw new ValidationError(`${field}: ${issues.map((i) => i.message).join("; ")}`, issues.map((i) => ({ path: field, message: i.message })));
  await db.user.update({
    where: { id: userId },
    data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() },
  });
}

// Guesses at the current password through a stolen session: 5 per user per 15 minutes.
const g = processGlobals<{ __fcdsPasswordChangeLimiter?: SlidingWindowLimiter }>();
const changeLimiter = () => (g.__fcdsPasswordChangeLimiter ??= new SlidingWindowLimiter(5, 15 * 60_000));

/**
 * A signed-in user changes their own password (ASVS 2.1.5/2.1.6): the current password is
 * required, the new one meets the policy and differs; every other session of the user ends.
 */
export async function changeOwnPassword(db: DbWithSessions, actor: Actor, current: string, next: string): Promise<{ revoked: number }> {
  if (changeLimiter().isBlocked(actor.userId))
    throw new AppError(429, "rate_limited", "Too many attempts with a wrong current password. Wait 15 minutes and try again.");
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.userId } });
  if (!(await verifyPassword(user.passwordHash, current))) {
    changeLimiter().hit(actor.userId);
    throw ValidationError.field("currentPassword", "is not your current password");
  }
  if (current.normalize("NFKC") === next.normalize("NFKC")) throw ValidationError.field("newPassword", "must differ from the current password");
  await setPassword(db, user.id, next, "newPassword");
  const r = await db.session.updateMany({ where: { userId: user.id, revokedAt: null, NOT: { id: actor.sessionId } }, data: { revokedAt: new Date() } });
  return { revoked: r.count };
}

/**
 * The documented demo accounts (shown on the sign-in page while they work). For demos and tests
 * only: the passwords are public, so they work only on loopback or with FUSION_DEMO_USERS=1
 * (config.ts demoUsersMode).
 */
export const DEMO_USERS: readonly (NewUser & { totpSecret?: string })[] = [
  { username: "dr.demo", displayName: "Dr Demo (clinician)", role: "clinician", password: "demo-clinician-2026" },
  { username: "researcher.demo", displayName: "Riley Demo (researcher)", role: "researcher", password: "demo-researcher-2026" },
  // Admins must use MFA, the demo admin too: its TOTP secret is published like its password (add it
  // to an authenticator app from the sign-in page; e2e/support/login.ts computes the codes).
  { username: "admin.demo", displayName: "Ada Demo (admin)", role: "admin", password: "demo-admin-2026", totpSecret: DEMO_ADMIN_TOTP_SECRET },
];

export { DEMO_ADMIN_TOTP_SECRET };

export const isDemoUsername = (username: string) => DEMO_USERS.some((d) => d.username === username);

/**
 * Creates any missing demo account (idempotent; existing accounts are left as they are) and
 * returns one entry per demo account — none at all where demo accounts may not work (the server
 * listens on a network address and FUSION_DEMO_USERS is not 1): seeding then just skips them.
 */
export async function ensureDemoUsers(
  db: DemoDb,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ username: string; role: Role; created: boolean }[]> {
  if (!demoUsersAllowed(env)) return [];
  const out: { username: string; role: Role; created: boolean }[] = [];
  for (const d of DEMO_USERS) {
    const found = await db.user.findUnique({ where: { username: d.username }, select: { id: true, mfaEnabledAt: true } });
    if (found) {
      // a demo admin seeded before MFA existed gets the published secret too
      if (d.totpSecret && !found.mfaEnabledAt) await enableMfaWithSecret(db, found.id, d.totpSecret);
      out.push({ username: d.username, role: d.role, created: false });
      continue;
    }
    try {
      const u = await createUser(db, d);
      if (d.totpSecret) await enableMfaWithSecret(db, u.id, d.totpSecret);
      out.push({ username: d.username, role: d.role, created: true });
    } catch (e) {
      // two processes seeding at once: the other one won
      if (e instanceof ConflictError || (e as { code?: string }).code === "P2002") out.push({ username: d.username, role: d.role, created: false });
      else throw e;
    }
  }
  return out;
}
