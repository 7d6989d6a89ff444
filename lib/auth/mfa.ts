import { createHash, randomBytes } from "node:crypto";
import * as OTPAuth from "otpauth";
import encodeQR from "@paulmillr/qr";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError, ValidationError } from "@/lib/domain/errors";
import { decryptSecret, encryptSecret } from "./mfa-crypto";
import { mfaRequiredFor } from "./mfa-policy";
import { hashToken, newSessionToken } from "./session-token";

/**
 * TOTP second factor (RFC 6238 through `otpauth`: HMAC-SHA1, 6 digits, 30 s — what every
 * authenticator app reads from an otpauth:// URI). Required for admins, optional for others.
 *
 * - Enrolment: a new secret is kept as "pending" and shown once (otpauth URI, QR code, the secret
 *   as text); it becomes the user's only after a first code from it verifies. Then ten single-use
 *   recovery codes are shown once (stored as SHA-256; 80 random bits each).
 * - A code is accepted within ±1 time step; the step it matched is stored, and a code of the same
 *   or an earlier step is refused from then on (one atomic UPDATE), so an observed code cannot be
 *   replayed, not even within its 30 s.
 * - Secrets are encrypted at rest (mfa-crypto.ts).
 * - Sign-in with MFA is two steps: the password yields a challenge (5 minutes, 5 tries, single use),
 *   the code turns it into a session (lib/auth/login.ts).
 */
type Db = Pick<PrismaClient, "user" | "mfaRecoveryCode" | "mfaChallenge" | "$executeRaw">;

export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
export const ISSUER = "Fusion CDS";
export const RECOVERY_CODE_COUNT = 10;
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const CHALLENGE_MAX_ATTEMPTS = 5;

export { mfaRequiredFor };

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, username: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
  });
}

export function otpauthUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString();
}

/** The otpauth URI as an SVG QR code, as a data: URL for an <img> (CSP allows data: images). */
export function qrCodeDataUrl(uri: string): string {
  const svg = encodeQR(uri, "svg");
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/** The code for a moment (tests, the e2e helper and the demo admin's documentation use it). */
export function totpCode(secretBase32: string, at = Date.now()): string {
  return totp(secretBase32, "x").generate({ timestamp: at });
}

export const timeStep = (at: number) => Math.floor(at / 1000 / TOTP_PERIOD);

/** "123 456" → "123456"; anything but six digits → null. */
export function normalizeCode(code: string): string | null {
  const c = code.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(c) ? c : null;
}

/** The time step a code matches (±TOTP_WINDOW), or null. */
export function matchTotp(secretBase32: string, code: string, at = Date.now()): number | null {
  const c = normalizeCode(code);
  if (!c) return null;
  const delta = totp(secretBase32, "x").validate({ token: c, timestamp: at, window: TOTP_WINDOW });
  return delta === null ? null : timeStep(at) + delta;
}

/**
 * Verifies a code against the user's active secret and records its time step, atomically: true
 * only if the code matches a step later than any accepted before.
 */
export async function acceptTotp(db: Db, user: { id: string; mfaSecret: string | null }, code: string, at = Date.now()): Promise<boolean> {
  if (!user.mfaSecret) return false;
  const step = matchTotp(decryptSecret(user.mfaSecret, user.id), code, at);
  if (step === null) return false;
  const n = await db.$executeRaw`
    UPDATE "User" SET "mfaLastStep" = ${step}::bigint
    WHERE "id" = ${user.id}::uuid AND "mfaEnabledAt" IS NOT NULL AND ("mfaLastStep" IS NULL OR "mfaLastStep" < ${step}::bigint)`;
  return n === 1;
}

// Recovery codes: 16 base32 characters (80 bits) shown as xxxx-xxxx-xxxx-xxxx.
const B32 = "abcdefghijklmnopqrstuvwxyz234567";
export function newRecoveryCodes(n = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: n }, () => {
    const bytes = randomBytes(16);
    const s = [...bytes].map((b) => B32[b & 31]).join("");
    return s.match(/.{4}/g)!.join("-");
  });
}
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[^a-z2-7]/g, "");
export const hashRecoveryCode = (code: string) => createHash("sha256").update(`fusion-cds:recovery:${normalizeRecovery(code)}`).digest("hex");

async function storeRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.mfaRecoveryCode.deleteMany({ where: { userId } });
  await db.mfaRecoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })) });
  return codes;
}

/** Uses up one recovery code (atomically: a code works once). */
export async function consumeRecoveryCode(db: Db, userId: string, code: string, now = new Date()): Promise<boolean> {
  if (normalizeRecovery(code).length !== 16) return false;
  const r = await db.mfaRecoveryCode.updateMany({ where: { userId, codeHash: hashRecoveryCode(code), usedAt: null }, data: { usedAt: now } });
  return r.count === 1;
}

export async function recoveryCodesLeft(db: Db, userId: string): Promise<number> {
  return db.mfaRecoveryCode.count({ where: { userId, usedAt: null } });
}

export type MfaStatus = { enabled: boolean; enabledAt: Date | null; required: boolean; enrolmentPending: boolean; recoveryCodesLeft: number };

export async function mfaStatus(db: Db, userId: string): Promise<MfaStatus> {
  const u = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { role: true, mfaEnabledAt: true, mfaPendingSecret: true } });
  return {
    enabled: !!u.mfaEnabledAt,
    enabledAt: u.mfaEnabledAt,
    required: mfaRequiredFor(u.role),
    enrolmentPending: !u.mfaEnabledAt && !!u.mfaPendingSecret,
    recoveryCodesLeft: u.mfaEnabledAt ? await recoveryCodesLeft(db, userId) : 0,
  };
}

export type Enrolment = { secret: string; otpauthUri: string; qrCode: string };

/** Starts (or restarts) enrolment: a new pending secret, shown once. 409 when MFA is already on. */
export async function startEnrolment(db: Db, user: { id: string; username: string }, now = new Date()): Promise<Enrolment> {
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { mfaEnabledAt: true } });
  if (u.mfaEnabledAt) throw new AppError(409, "mfa_already_enabled", "Two-factor authentication is already on. Turn it off first to enrol a new authenticator.");
  const secret = newTotpSecret();
  await db.user.update({ where: { id: user.id }, data: { mfaPendingSecret: encryptSecret(secret, user.id), mfaPendingAt: now } });
  const uri = otpauthUri(secret, user.username);
  return { secret, otpauthUri: uri, qrCode: qrCodeDataUrl(uri) };
}

/**
 * Finishes enrolment with a first code from the pending secret: the secret becomes active, ten
 * recovery codes are made (returned once). 400 naming `code` when it does not match.
 */
export async function confirmEnrolment(db: Db, user: { id: string }, code: string, at = Date.now()): Promise<{ recoveryCodes: string[] }> {
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { mfaEnabledAt: true, mfaPendingSecret: true } });
  if (u.mfaEnabledAt) throw new AppError(409, "mfa_already_enabled", "Two-factor authentication is already on.");
  if (!u.mfaPendingSecret) throw new AppError(409, "mfa_enrolment_not_started", "Start the set-up first: a new secret is made for it.");
  if (!normalizeCode(code)) throw ValidationError.field("code", "must be the 6-digit code your authenticator app shows");
  const secret = decryptSecret(u.mfaPendingSecret, user.id);
  const step = matchTotp(secret, code, at);
  if (step === null) throw ValidationError.field("code", "does not match: check the time on your device and enter the current code");
  const n = await db.$executeRaw`
    UPDATE "User" SET "mfaSecret" = "mfaPendingSecret", "mfaPendingSecret" = NULL, "mfaPendingAt" = NULL,
      "mfaEnabledAt" = ${new Date(at)}::timestamptz, "mfaLastStep" = ${step}::bigint, "updatedAt" = ${new Date(at)}::timestamptz
    WHERE "id" = ${user.id}::uuid AND "mfaEnabledAt" IS NULL AND "mfaPendingSecret" IS NOT NULL`;
  if (n !== 1) throw new AppError(409, "mfa_already_enabled", "Two-factor authentication is already on.");
  return { recoveryCodes: await storeRecoveryCodes(db, user.id) };
}

/** New recovery codes (the old ones stop working). MFA must be on. */
export async function regenerateRecoveryCodes(db: Db, userId: string): Promise<string[]> {
  const u = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { mfaEnabledAt: true } });
  if (!u.mfaEnabledAt) throw new AppError(409, "mfa_not_enabled", "Two-factor authentication is not on.");
  return storeRecoveryCodes(db, userId);
}

/** Turns MFA off: secret, pending secret, recovery codes and open challenges go. */
export async function removeMfa(db: Db, userId: string): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { mfaSecret: null, mfaEnabledAt: null, mfaLastStep: null, mfaPendingSecret: null, mfaPendingAt: null } });
  await db.mfaRecoveryCode.deleteMany({ where: { userId } });
  await db.mfaChallenge.deleteMany({ where: { userId } });
}

/** Turns MFA on with a given secret, without the enrolment dialogue (the demo admin's published secret). */
export async function enableMfaWithSecret(db: Db, userId: string, secretBase32: string, now = new Date()): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { mfaSecret: encryptSecret(secretBase32, userId), mfaEnabledAt: now, mfaLastStep: null, mfaPendingSecret: null, mfaPendingAt: null } });
}

/** After a correct password of an enrolled user: the challenge the code step must present. */
export async function createChallenge(db: Db, userId: string, clientAddress: string | null, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
  await db.mfaChallenge.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 24 * 3600_000) } } });
  await db.mfaChallenge.create({ data: { tokenHash: hashToken(token), userId, createdAt: now, expiresAt, clientAddress } });
  return { token, expiresAt };
}

export type OpenChallenge = { id: string; userId: string; attempts: number };

/** The live challenge for a token (not expired, not used, tries left), or null. */
export async function findChallenge(db: Db, token: string | null | undefined, now = new Date()): Promise<OpenChallenge | null> {
  if (!token || token.length > 200) return null;
  const c = await db.mfaChallenge.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!c || c.consumedAt || c.expiresAt <= now || c.attempts >= CHALLENGE_MAX_ATTEMPTS) return null;
  return { id: c.id, userId: c.userId, attempts: c.attempts };
}

/** A wrong code: one try fewer; the challenge dies after CHALLENGE_MAX_ATTEMPTS. Returns tries left. */
export async function failChallenge(db: Db, id: string): Promise<number> {
  const c = await db.mfaChallenge.update({ where: { id }, data: { attempts: { increment: 1 } }, select: { attempts: true } });
  return Math.max(0, CHALLENGE_MAX_ATTEMPTS - c.attempts);
}

/** Uses the challenge up (single use, atomically). */
export async function consumeChallenge(db: Db, id: string, now = new Date()): Promise<boolean> {
  const r = await db.mfaChallenge.updateMany({ where: { id, consumedAt: null }, data: { consumedAt: now } });
  return r.count === 1;
}
