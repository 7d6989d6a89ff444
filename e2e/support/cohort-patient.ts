// A patient of the spec's own (other specs add patients too): a synthetic cohort patient's record —
// conditions, family history, diet — under a fresh MRN, written through the API as the signed-in user.
import { expect, type Page } from "@playwright/test";
import { generatePatient, type CohortPatient } from "../../models/fusion/cohort";

/** The CSRF header the mutating API routes want, from the signed-in page's cookie. */
export async function csrf(page: Page) {
  return { "x-csrf-token": decodeURIComponent((await page.context().cookies()).find((c) => c.name === "fcds_csrf")?.value ?? "") };
}

/** POST JSON as the signed-in user; the status must be `status`. */
export async function post(page: Page, path: string, data: unknown, status = 201) {
  const r = await page.request.post(path, { data, headers: await csrf(page) });
  expect(r.status(), `${path}: ${await r.text()}`).toBe(status);
  return r.json();
}

/** A fresh MRN with the spec's prefix (≤ 32 characters). */
export const uniqueMrn = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`.toUpperCase().slice(0, 32);

/** Cohort patient `index` (seed 42) with its whole record under a fresh MRN. */
export async function createCohortPatient(page: Page, index: number, prefix: string): Promise<{ id: string; p: CohortPatient }> {
  const p = generatePatient(42, index);
  p.patient.mrn = uniqueMrn(prefix);
  const { id } = (await post(page, "/api/patients", p.patient)) as { id: string };
  for (const c of p.conditions) await post(page, `/api/patients/${id}/conditions`, c);
  for (const f of p.familyHistory) await post(page, `/api/patients/${id}/family-history`, f);
  for (const d of p.dietRecords) await post(page, `/api/patients/${id}/diet`, d);
  return { id, p };
}
