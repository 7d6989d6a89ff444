import { z } from "zod";
import { text } from "./common";
import { personName } from "./names";

/**
 * API inputs of sign-in, one's own account and user administration. The password policy itself
 * (length, breached-list check) is enforced by lib/auth/password, after these shape checks.
 */
import { UserRole } from "./enums";
export { UserRole, roleValues } from "./enums";

/** POST /api/auth/login, as JSON or as an HTML form post; `next` is where a form post goes after. */
export const LoginCredentials = z.object({
  username: text().min(1).max(200),
  password: text().min(1).max(1024),
  next: text().max(2048).optional(),
});
export type LoginCredentials = z.infer<typeof LoginCredentials>;

/** POST /api/auth/password: change one's own password. */
export const PasswordChange = z.object({ currentPassword: text().min(1).max(1024), newPassword: text().max(1024) });
export type PasswordChange = z.infer<typeof PasswordChange>;

/** POST /api/admin/users: a new account (username shape and password policy checked by lib/auth/users). */
export const UserCreate = z.object({
  username: text().max(64),
  displayName: personName(120),
  role: UserRole,
  password: text().max(1024),
});
export type UserCreate = z.infer<typeof UserCreate>;

/** PATCH /api/admin/users/{id}: every field optional. */
export const UserUpdate = z.object({
  displayName: personName(120).optional(),
  role: UserRole.optional(),
  disabled: z.boolean().optional(),
  /** forgets the account's failed sign-ins from every address (sign-in throttling) */
  unlock: z.literal(true).optional(),
  password: text().max(1024).optional(),
  revokeSessions: z.literal(true).optional(),
  /** removes the user's MFA (lost authenticator and recovery codes); they enrol again */
  resetMfa: z.literal(true).optional(),
});
export type UserUpdate = z.infer<typeof UserUpdate>;

/**
 * POST /api/auth/login/mfa: the code step of a sign-in — the 6-digit code from the authenticator
 * app, or one of the recovery codes; the challenge token from the password step in `mfaToken` (or
 * its HttpOnly cookie).
 */
export const MfaSignIn = z
  .object({
    mfaToken: text().min(1).max(200).optional(),
    code: text().max(32).optional(),
    recoveryCode: text().max(64).optional(),
    next: text().max(2048).optional(),
  })
  .refine((v) => !!v.code !== !!v.recoveryCode, { message: "send either `code` or `recoveryCode`", path: ["code"] });
export type MfaSignIn = z.infer<typeof MfaSignIn>;

/** POST /api/auth/mfa/confirm: the first code from the authenticator app, which turns MFA on. */
export const MfaConfirm = z.object({ code: text().min(1).max(32) });
export type MfaConfirm = z.infer<typeof MfaConfirm>;

/** POST /api/auth/mfa/recovery-codes, /api/auth/mfa/disable: your password again. */
export const PasswordReconfirm = z.object({ currentPassword: text().min(1).max(1024) });
export type PasswordReconfirm = z.infer<typeof PasswordReconfirm>;
