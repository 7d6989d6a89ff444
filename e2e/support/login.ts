import { expect, type Page } from "@playwright/test";
import * as OTPAuth from "otpauth";
import { DEMO_ADMIN_TOTP_SECRET } from "../../lib/auth/constants";

/**
 * The documented demo accounts (lib/auth/users.ts DEMO_USERS), seeded by scripts/db-seed.ts (the
 * e2e server listens on 127.0.0.1, where they work). Admins must use MFA: the demo admin is seeded
 * with a published TOTP secret, and login() computes its codes.
 */
export const DEMO = {
  clinician: { username: "dr.demo", password: "demo-clinician-2026" },
  researcher: { username: "researcher.demo", password: "demo-researcher-2026" },
  admin: { username: "admin.demo", password: "demo-admin-2026", totpSecret: DEMO_ADMIN_TOTP_SECRET },
} as const;

// A TOTP code is accepted once per 30 s step (replay protection), the next step's code too: sign
// in with the next unused step, waiting when two are used up. Per secret, within this worker.
const lastStep = new Map<string, number>();
export async function nextTotpCode(secret: string): Promise<string> {
  const totp = new OTPAuth.TOTP({ algorithm: "SHA1", digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
  const now = () => Math.floor(Date.now() / 30_000);
  let step = Math.max(now(), (lastStep.get(secret) ?? -1) + 1);
  while (step > now() + 1) await new Promise((r) => setTimeout(r, 1000));
  step = Math.max(step, now());
  lastStep.set(secret, step);
  return totp.generate({ timestamp: step * 30_000 + 1000 });
}

/**
 * Signs in through the real sign-in page (and its code step when the account has MFA) and waits
 * until the browser has left it.
 *   await login(page, DEMO.clinician.username, DEMO.clinician.password);
 *   await login(page, "dr.demo", "demo-clinician-2026", { next: "/patients?q=smith" });
 *   await login(page, "admin.demo", "demo-admin-2026", { totpSecret: DEMO_ADMIN_TOTP_SECRET });
 */
export async function login(page: Page, username: string, password: string, opts: { next?: string; totpSecret?: string } = {}): Promise<void> {
  await page.goto(opts.next ? `/login?next=${encodeURIComponent(opts.next)}` : "/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (opts.totpSecret) {
    await page.getByLabel("Authentication code").fill(await nextTotpCode(opts.totpSecret));
    await page.getByRole("button", { name: "Verify" }).click();
  }
  await expect(page).not.toHaveURL(/\/login(\?|$)/);
}

/** Signs in as one of the demo roles. */
export function loginAs(page: Page, role: keyof typeof DEMO, opts: { next?: string } = {}): Promise<void> {
  const d = DEMO[role];
  return login(page, d.username, d.password, { ...opts, totpSecret: "totpSecret" in d ? d.totpSecret : undefined });
}

/** Ends the session through the API (with the CSRF token from the fcds_csrf cookie). */
export async function logout(page: Page): Promise<void> {
  const status = await page.evaluate(async () => {
    const m = document.cookie.split("; ").find((c) => c.startsWith("fcds_csrf="));
    const token = m ? decodeURIComponent(m.slice("fcds_csrf=".length)) : "";
    const r = await fetch("/api/auth/logout", { method: "POST", headers: { "x-csrf-token": token } });
    return r.status;
  });
  expect(status).toBe(200);
}
