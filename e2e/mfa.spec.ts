import { expect, test } from "@playwright/test";
import { login, loginAs, nextTotpCode } from "./support/login";

// Issue 10 M13 in the browser: a clinician turns on two-factor authentication from the account
// page (the secret as text, a first code, recovery codes shown once), then signs in in two steps,
// once with a recovery code; the demo admin's sign-in always takes its TOTP code (support/login.ts).
test("a clinician enrols TOTP on /account/mfa, then signs in with a code, and once with a recovery code", async ({ page, browser }) => {
  await loginAs(page, "admin", { next: "/admin/users" });
  const username = `e2e.mfa.${Date.now().toString(36)}`;
  const password = "a quiet harbour at dawn";
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Display name").fill("E2E MFA Clinician");
  await form.getByLabel("Role").selectOption("clinician");
  await form.getByLabel(/Initial password/).fill(password);
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.locator("table")).toContainText(username);

  const ctx = await browser.newContext();
  const p = await ctx.newPage();
  await login(p, username, password, { next: "/account" });
  await p.getByRole("link", { name: "Set up" }).click();
  await expect(p).toHaveURL(/\/account\/mfa$/);
  await p.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await expect(p.getByAltText(/QR code/)).toBeVisible();
  const secret = (await p.getByTestId("mfa-secret").innerText()).replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await p.getByLabel("Authentication code").fill(await nextTotpCode(secret));
  await p.getByRole("button", { name: "Turn on" }).click();
  const codes = p.getByRole("list", { name: "Recovery codes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recovery = await codes.first().innerText();
  await ctx.close();

  // two steps from now on
  const c2 = await browser.newContext();
  const p2 = await c2.newPage();
  await login(p2, username, password, { next: "/patients", totpSecret: secret });
  await expect(p2).toHaveURL(/\/patients$/);
  await c2.close();

  // a recovery code instead of the app's code
  const c3 = await browser.newContext();
  const p3 = await c3.newPage();
  await p3.goto("/login");
  await p3.getByLabel("Username").fill(username);
  await p3.getByLabel("Password").fill(password);
  await p3.getByRole("button", { name: "Sign in" }).click();
  await p3.getByRole("button", { name: "Use a recovery code" }).click();
  await p3.getByLabel("Recovery code").fill(recovery);
  await p3.getByRole("button", { name: "Verify" }).click();
  await expect(p3).not.toHaveURL(/\/login/);
  await c3.close();
});
