import { expect, type Page } from "@playwright/test";

/** The documented demo accounts (lib/auth/users.ts DEMO_USERS), seeded by scripts/db-seed.ts. */
export const DEMO = {
  clinician: { username: "dr.demo", password: "demo-clinician-2026" },
  researcher: { username: "researcher.demo", password: "demo-researcher-2026" },
  admin: { username: "admin.demo", password: "demo-admin-2026" },
} as const;

/**
 * Signs in through the real sign-in page and waits until the browser has left it.
 *   await login(page, DEMO.clinician.username, DEMO.clinician.password);
 *   await login(page, "dr.demo", "demo-clinician-2026", { next: "/patients?q=smith" });
 */
export async function login(page: Page, username: string, password: string, opts: { next?: string } = {}): Promise<void> {
  await page.goto(opts.next ? `/login?next=${encodeURIComponent(opts.next)}` : "/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login(\?|$)/);
}

/** Signs in as one of the demo roles. */
export function loginAs(page: Page, role: keyof typeof DEMO, opts: { next?: string } = {}): Promise<void> {
  return login(page, DEMO[role].username, DEMO[role].password, opts);
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
