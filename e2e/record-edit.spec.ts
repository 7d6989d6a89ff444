// Editing family-history and diet entries on the record page, in real Chromium against the
// production build: the Edit action opens the same form prefilled (keyboard, labels), bad input
// is refused inline (by the shared zod schema in the browser, or by the server), a good change
// updates the table, survives a reload, and the re-run offer appears.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { loginAs } from "./support/login";

const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

async function patientId(page: Page, mrn: string): Promise<string> {
  const r = await page.request.get(`/api/patients?q=${mrn}`);
  expect(r.ok()).toBeTruthy();
  const hit = ((await r.json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === mrn);
  expect(hit, `${mrn} is in the demo cohort`).toBeTruthy();
  return hit!.id;
}

/** POST through the API as the signed-in browser would (session cookie + CSRF header). */
async function post<T>(page: Page, path: string, body: unknown): Promise<T> {
  const csrf = (await page.context().cookies()).find((c) => c.name === "fcds_csrf")?.value ?? "";
  const r = await page.request.post(path, { data: body, headers: { "x-csrf-token": decodeURIComponent(csrf) } });
  expect(r.status(), await r.text()).toBe(201);
  return (await r.json()) as T;
}

/** Counts PATCH requests to one entry (to prove the browser's own validation stopped a save). */
function countPatches(page: Page, entryId: string) {
  let n = 0;
  page.on("request", (r) => {
    if (r.method() === "PATCH" && r.url().endsWith(`/${entryId}`)) n++;
  });
  return () => n;
}

test.beforeEach(async ({ page }) => {
  await loginAs(page, "clinician");
});

test("edit a family-history entry: prefilled form, inline errors, saved change survives a reload, re-run offered", async ({ page }) => {
  const id = await patientId(page, "DEMO-000012"); // a patient no other spec edits
  const entry = await post<{ id: string }>(page, `/api/patients/${id}/family-history`, {
    relationship: "mother", code: "C50.9", display: "Breast cancer (edit test)", ageAtOnset: 52,
  });
  const patches = countPatches(page, entry.id);
  await page.goto(`/patients/${id}`);
  const table = page.getByTestId("family-table");
  const row = table.getByRole("row", { name: /Breast cancer \(edit test\)/ });
  await expect(row).toContainText("mother");

  // keyboard: focus the row's Edit button and press Enter; the form opens with focus on its first field
  const edit = page.getByRole("button", { name: "Edit Breast cancer (edit test) of mother" });
  await edit.focus();
  await page.keyboard.press("Enter");
  const form = page.getByRole("form", { name: "Edit Breast cancer (edit test) of mother" });
  await expect(form).toBeVisible();
  await expect(form).toHaveAttribute("data-testid", "family-form");
  await expect(form.getByLabel("Relative")).toBeFocused();
  await expect(form.getByLabel("Relative")).toHaveValue("mother");
  await expect(form.getByLabel("Condition")).toHaveValue("Breast cancer (edit test)");
  await expect(form.getByLabel("Code", { exact: true })).toHaveValue("C50.9");
  await expect(form.getByLabel("Age at onset")).toHaveValue("52");
  await expect(form.getByLabel("Deceased")).toHaveValue("false");
  await expect(page.getByTestId("rerun-offer")).toHaveCount(0);
  await page.getByRole("region", { name: "Family history" }).screenshot({ path: `${SHOTS}/record-edit-family-form.png` });

  // Escape cancels without saving
  await form.getByLabel("Age at onset").fill("1");
  await page.keyboard.press("Escape");
  await expect(form).toHaveCount(0);
  await expect(row).toContainText("52");
  await expect(edit).toBeFocused();

  // bad input: refused inline by the schema in the browser, nothing sent
  await page.keyboard.press("Enter");
  await form.getByLabel("Age at onset").fill("-3");
  await form.getByLabel("Code", { exact: true }).fill("XYZ");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByText("cannot be negative")).toBeVisible();
  await expect(form.getByText("is not an ICD-10 code")).toBeVisible();
  await expect(form.getByLabel("Age at onset")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Age at onset")).toHaveAccessibleDescription("cannot be negative");
  await page.getByRole("region", { name: "Family history" }).screenshot({ path: `${SHOTS}/record-edit-family-errors.png` });
  expect(patches()).toBe(0);

  // good input: saved with one PATCH, the table shows it, the re-run is offered, focus returns
  await form.getByLabel("Relative").selectOption("father");
  await form.getByLabel("Age at onset").fill("47");
  await form.getByLabel("Code", { exact: true }).fill("C50.9");
  await form.getByLabel("Deceased").selectOption("true");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form).toHaveCount(0);
  const edited = table.getByRole("row", { name: /Breast cancer \(edit test\)/ });
  await expect(edited).toContainText("father");
  await expect(edited).toContainText("47");
  await expect(edited).toContainText("yes");
  await expect(page.getByTestId("rerun-offer")).toContainText("Re-run the assessment?");
  await expect(page.getByRole("button", { name: "Edit Breast cancer (edit test) of father" })).toBeFocused();
  expect(patches()).toBe(1);

  await page.reload();
  const reloaded = page.getByTestId("family-table").getByRole("row", { name: /Breast cancer \(edit test\)/ });
  await expect(reloaded).toContainText("father");
  await expect(reloaded).toContainText("47");
  const rec = (await (await page.request.get(`/api/patients/${id}`)).json()) as { familyHistory: { id: string; relationship: string; ageAtOnset: number; deceased: boolean }[] };
  expect(rec.familyHistory.find((f) => f.id === entry.id)).toMatchObject({ relationship: "father", ageAtOnset: 47, deceased: true });
});

test("edit a diet record: schema and server errors inline, saved change survives a reload, re-run offered", async ({ page }) => {
  const id = await patientId(page, "DEMO-000013");
  const entry = await post<{ id: string }>(page, `/api/patients/${id}/diet`, {
    recordedOn: "2025-01-15", method: "ffq", energyKcal: 2222, sodiumMg: 3333, sugarsG: 70, saturatedFatG: 28,
    fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5,
  });
  const patches = countPatches(page, entry.id);
  await page.goto(`/patients/${id}`);
  const table = page.getByTestId("diet-table");
  await expect(table.getByRole("row", { name: /2025-01-15/ })).toContainText("3333");

  await page.getByRole("button", { name: "Edit diet record of 2025-01-15" }).click();
  const form = page.getByRole("form", { name: "Edit diet record of 2025-01-15" });
  await expect(form.getByLabel("Date")).toBeFocused();
  await expect(form.getByLabel("Date")).toHaveValue("2025-01-15");
  await expect(form.getByLabel("Method")).toHaveValue("ffq");
  await expect(form.getByLabel("Sodium (mg/day)")).toHaveValue("3333");
  await expect(form.getByLabel("Energy (kcal/day)")).toHaveValue("2222");
  await page.getByRole("region", { name: "Diet records" }).screenshot({ path: `${SHOTS}/record-edit-diet-form.png` });

  // the schema in the browser: implausible intake
  await form.getByLabel("Sodium (mg/day)").fill("999999");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByText("must be 20000 mg/day or less")).toBeVisible();
  expect(patches()).toBe(0);

  // the server: a date before the patient's birth passes the browser's schema, the PATCH answers
  // 400 and its message is shown beside the field
  await form.getByLabel("Sodium (mg/day)").fill("1500");
  await form.getByLabel("Date").fill("1900-01-01");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByText(/before the patient's birth date/)).toBeVisible();
  await expect(form.getByLabel("Date")).toHaveAttribute("aria-invalid", "true");
  expect(patches()).toBe(1);

  await form.getByLabel("Date").fill("2025-01-20");
  await form.getByLabel("Note").fill("after dietitian visit");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form).toHaveCount(0);
  const row = table.getByRole("row", { name: /2025-01-20/ });
  await expect(row).toContainText("1500");
  await expect(row).toContainText("2222");
  await expect(table.getByRole("row", { name: /2025-01-15/ })).toHaveCount(0);
  await expect(page.getByTestId("rerun-offer")).toBeVisible();
  expect(patches()).toBe(2);

  await page.reload();
  await expect(page.getByTestId("diet-table").getByRole("row", { name: /2025-01-20/ })).toContainText("1500");
  const rec = (await (await page.request.get(`/api/patients/${id}`)).json()) as { dietRecords: { id: string; recordedOn: string; sodiumMg: number; note: string | null }[] };
  expect(rec.dietRecords.find((d) => d.id === entry.id)).toMatchObject({ recordedOn: "2025-01-20", sodiumMg: 1500, note: "after dietitian visit" });

  // saving an edit that changes nothing closes the form without a request
  await page.getByRole("button", { name: "Edit diet record of 2025-01-20" }).click();
  await page.getByRole("form", { name: "Edit diet record of 2025-01-20" }).getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("form", { name: "Edit diet record of 2025-01-20" })).toHaveCount(0);
  expect(patches()).toBe(2);
});

test("edit a condition through the same shared form: prefilled, saved, re-run offered", async ({ page }) => {
  const id = await patientId(page, "DEMO-000014");
  const c = await post<{ id: string }>(page, `/api/patients/${id}/conditions`, { code: "I10", display: "Hypertension (edit test)", onsetDate: "2015-05-05" });
  const patches = countPatches(page, c.id);
  await page.goto(`/patients/${id}`);
  await page.getByRole("button", { name: "Edit Hypertension (edit test)" }).click();
  const form = page.getByRole("form", { name: "Edit Hypertension (edit test)" });
  await expect(form.getByLabel("Condition")).toBeFocused();
  await expect(form.getByLabel("Onset")).toHaveValue("2015-05-05");
  await form.getByLabel("Code system").selectOption("SNOMED");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form.getByText("is not a SNOMED CT concept id")).toBeVisible();
  expect(patches()).toBe(0);
  await form.getByLabel("Code", { exact: true }).fill("38341003");
  await form.getByLabel("Status").selectOption("resolved");
  await form.getByRole("button", { name: "Save changes" }).click();
  await expect(form).toHaveCount(0);
  const row = page.getByTestId("conditions-table").getByRole("row", { name: /Hypertension \(edit test\)/ });
  await expect(row).toContainText("SNOMED 38341003");
  await expect(row).toContainText("resolved");
  await expect(page.getByTestId("rerun-offer")).toBeVisible();
  expect(patches()).toBe(1);
  await page.reload();
  await expect(page.getByTestId("conditions-table").getByRole("row", { name: /Hypertension \(edit test\)/ })).toContainText("SNOMED 38341003");
});
