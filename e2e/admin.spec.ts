// Admin pages in Chromium (issue 16 item 6): the users page creates, renames, changes the role,
// resets the password under the policy and asks before disabling (Escape cancels); the audit page
// refuses invalid filters with the reasons (and no events), and finds a patient's events by MRN
// while the admin still cannot open the record.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { login, loginAs } from "./support/login";

const SHOTS = process.env.SHOTS_DIR ?? "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

const row = (page: Page, username: string) => page.getByTestId(`user-${username}`);

test("users page: create, rename, change role, reset the password (policy), disable after confirming", async ({ page, browser }) => {
  const username = `nurse.${Date.now().toString(36)}`;
  await loginAs(page, "admin", { next: "/admin/users" });
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();

  // create: a failed submit focuses the first invalid field
  const form = page.getByTestId("new-user-form");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByLabel("Username")).toBeFocused();
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Display name").fill("Nora Nurse");
  await form.getByLabel("Role").selectOption("clinician");
  await form.getByLabel("Initial password").fill("violet-harbour-canvas-19");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByTestId("user-admin-status")).toContainText(`${username} created`);
  await expect(row(page, username)).toContainText("Nora Nurse");

  // rename in a dialog
  await row(page, username).getByRole("button", { name: "Rename" }).click();
  const rename = page.getByTestId("rename-dialog");
  await expect(rename).toBeVisible();
  await rename.getByLabel("Display name").fill("Nora N. Nurse");
  await rename.getByRole("button", { name: "Save name" }).click();
  await expect(rename).toBeHidden();
  await expect(row(page, username)).toContainText("Nora N. Nurse");

  // role
  await row(page, username).getByLabel(`Role of ${username}`).selectOption("researcher");
  await expect(page.getByTestId("user-admin-status")).toContainText(`${username} is now a researcher`);
  await page.reload();
  await expect(row(page, username).getByLabel(`Role of ${username}`)).toHaveValue("researcher");

  // password reset: a common password is refused with the reason, in place; then a good one
  await row(page, username).getByRole("button", { name: "Reset password" }).click();
  const pw = page.getByTestId("password-dialog");
  await pw.getByLabel("New password", { exact: true }).fill("password1234");
  await pw.getByLabel("Repeat the new password").fill("password1234");
  await pw.getByRole("button", { name: "Reset password" }).click();
  await expect(pw.getByRole("alert")).toContainText(/common/);
  await expect(pw.getByLabel("New password", { exact: true })).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/admin-password-policy.png` });
  await pw.getByLabel("New password", { exact: true }).fill("copper-lantern-meadow-77");
  await pw.getByLabel("Repeat the new password").fill("copper-lantern-meadow-77");
  await pw.getByRole("button", { name: "Reset password" }).click();
  await expect(pw).toBeHidden();
  await expect(page.getByTestId("user-admin-status")).toContainText("password");

  // the user signs in with the new password, as a researcher now
  const other = await browser.newContext();
  const p2 = await other.newPage();
  await login(p2, username, "copper-lantern-meadow-77");
  await expect(p2).toHaveURL(/\/research\/export/);

  // disable asks first; Escape cancels and nothing changes
  await row(page, username).getByRole("button", { name: "Disable" }).click();
  const confirm = page.getByTestId("confirm-disable");
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText(`Disable ${username}?`);
  await page.screenshot({ path: `${SHOTS}/admin-confirm-disable.png` });
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(row(page, username)).toContainText("active");
  await expect(row(page, username).getByRole("button", { name: "Disable" })).toBeFocused();
  await row(page, username).getByRole("button", { name: "Disable" }).click();
  await confirm.getByRole("button", { name: "Disable account" }).click();
  await expect(row(page, username)).toContainText("disabled");
  // their session ended
  const r = await p2.request.get("/api/auth/session");
  expect(r.status()).toBe(401);
  await other.close();
});

test("audit page: invalid filters are refused with reasons; events found by MRN without access to the record", async ({ page, browser }) => {
  // a clinician opens DEMO-000002's record (an event to find)
  const clin = await browser.newContext();
  const cp = await clin.newPage();
  await loginAs(cp, "clinician");
  const list = await cp.request.get("/api/patients?q=DEMO-000002");
  const patient = ((await list.json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === "DEMO-000002")!;
  await cp.goto(`/patients/${patient.id}`);
  await expect(cp.getByRole("heading", { level: 1 })).toBeVisible();
  await clin.close();

  await loginAs(page, "admin", { next: "/admin/audit" });
  // from after to: refused, no events, focus on the field
  await page.goto("/admin/audit?from=2026-12-03T10:00&to=2026-12-02T10:00");
  const errors = page.getByTestId("audit-filter-errors");
  await expect(errors).toContainText("To: must not be before `from`");
  await expect(page.getByText(/^0 events/)).toBeVisible();
  await expect(page.getByLabel("To", { exact: true })).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/admin-audit-invalid.png` });
  await page.goto("/admin/audit?outcome=maybe");
  await expect(errors).toContainText("Outcome");
  // the API answers 400 with the reason
  const api = await page.request.get("/api/admin/audit?from=2026-12-03&to=2026-12-01");
  expect(api.status()).toBe(400);
  expect(((await api.json()) as { error: { message: string } }).error.message).toContain("to: must not be before `from`");
  expect((await page.request.get("/api/admin/audit?usr=x")).status()).toBe(400);

  // by MRN (typed in lower case)
  await page.goto("/admin/audit");
  await page.getByLabel("Patient MRN").fill("demo-000002");
  await page.getByLabel("Action", { exact: true }).fill("patient.read");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText(/^[1-9]\d* events?/)).toBeVisible();
  const rows = page.locator("main table tbody tr");
  await expect(rows.first()).toContainText("patient.read");
  await expect(rows.first()).toContainText(patient.id.slice(0, 8));
  await page.screenshot({ path: `${SHOTS}/admin-audit-by-mrn.png`, fullPage: true });
  await page.goto("/admin/audit?patientMrn=NO-SUCH-MRN");
  await expect(page.getByText("No patient has the MRN NO-SUCH-MRN")).toBeVisible();

  // the admin still cannot open the record
  await page.goto(`/patients/${patient.id}`);
  await expect(page).toHaveURL(/\/access-denied/);
  expect((await page.request.get(`/api/patients/${patient.id}`)).status()).toBe(403);
});
