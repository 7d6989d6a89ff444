// Helpers for integration tests that call route handlers directly with a signed-in session.
// Import AFTER process.env.DATABASE_URL points at the test database (see pg-database.ts).
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { createUser } from "@/lib/auth/users";
import { createSession } from "@/lib/auth/sessions";
import { enableMfaWithSecret, newTotpSecret } from "@/lib/auth/mfa";
import { mfaRequiredFor } from "@/lib/auth/mfa-policy";

// TOTP secrets are encrypted with this key in tests (instead of a key file under ./data).
process.env.FUSION_MFA_KEY ??= "7e57".repeat(16);

export const ORIGIN = "http://localhost:3000";

export type TestUser = { id: string; username: string; role: Role; password: string; totpSecret: string | null };

/**
 * A user with a policy-conforming password. Roles that require MFA (admin) are enrolled with a
 * fresh TOTP secret (returned) unless `mfa: false` — as they would be before they can do anything.
 */
export async function makeUser(
  db: PrismaClient,
  role: Role,
  username = `${role}.${Math.random().toString(36).slice(2, 8)}`,
  opts: { mfa?: boolean } = {},
): Promise<TestUser> {
  const password = `test-pass-${role}-long-enough`;
  const u = await createUser(db, { username, displayName: `Test ${role}`, role, password });
  const totpSecret = (opts.mfa ?? mfaRequiredFor(role)) ? newTotpSecret() : null;
  if (totpSecret) await enableMfaWithSecret(db, u.id, totpSecret);
  return { id: u.id, username: u.username, role, password, totpSecret };
}

export type Cred = { cookie: string; csrf: string; sessionId: string; token: string };

/** A fresh session for the user, as the browser would hold it after signing in. */
export async function sessionFor(db: PrismaClient, userId: string): Promise<Cred> {
  const s = await createSession(db, userId, { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" });
  return { cookie: `fcds_session=${s.token}; fcds_csrf=${s.csrfToken}`, csrf: s.csrfToken, sessionId: s.sessionId, token: s.token };
}

/** A Request as Next.js hands it to a route handler; with cred, cookies + CSRF header + Origin. */
export function apiRequest(method: string, path: string, opts: { cred?: Cred | null; body?: unknown; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { host: "localhost:3000", ...(opts.headers ?? {}) };
  if (opts.cred) {
    headers.cookie = opts.cred.cookie;
    if (!["GET", "HEAD"].includes(method)) {
      headers["x-csrf-token"] = opts.cred.csrf;
      headers.origin = ORIGIN;
    }
  }
  let body: string | undefined;
  if (opts.body !== undefined && !["GET", "HEAD"].includes(method)) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = "application/json";
  }
  return new Request(`${ORIGIN}${path}`, { method, headers, body });
}

/** Route handler context with the dynamic segment values. */
export const ctx = <P extends Record<string, unknown>>(params: P) => ({ params: Promise.resolve(params) });
