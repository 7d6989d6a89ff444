import type { Role } from "@/lib/generated/prisma/enums";

/**
 * Roles that must have a second factor before they can do anything (kept apart from mfa.ts so the
 * session check does not load the TOTP and QR libraries).
 */
export function mfaRequiredFor(role: Role): boolean {
  return role === "admin";
}
