// Issue 12 in a real browser: the right patient and a current score. Each test makes its own
// patient through the API (other specs add patients too; no global counts), uploads synthetic CTs
// whose headers name this patient, another patient or nobody, and checks what a clinician sees:
// the prompt (Cancel by default, a typed reason to attach), the flag wherever the scan is shown,
// "entered in error" taking a scan out of the record, and "the record changed since this score"
// after an edit made through the API from another session. Screenshots: /tmp/shots-safety12a/.
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { loginAs } from "./support/login";
import { generatePatient, renderScan, scanToDicom, type CohortPatient } from "../models/fusion/cohort";

const SHOTS = "/tmp/shots-safety12a";
mkdirSync(SHOTS, { recursive: true });

const csrfOf = async (context: BrowserContext) => decodeURIComponent((await context.cookies()).find((c) => c.name === "fcds_csrf")?.value ?? "");

async function postJson<T>(request: APIRequestContext, context: BrowserContext, path: string, body: unknown, status = 201): Promise<T> {
  const r = await request.post(path, { data: body, headers: { "x-csrf-token": await csrfOf(context) } });
  expect(r.status(), await r.text()).toBe(status);
  return (await r.json()) as T;
}

type Made = { id: string; mrn: string; familyName: string; givenName: string; cohort: CohortPatient };

/** A new patient of our own (unique MRN), modelled on a synthetic cohort patient. */
async function makePatient(page: Page, index: number): Promise<Made> {
  const cohort = generatePatient(1212, index);
  const mrn = `SAFE-${Date.now().toString(36).toUpperCase()}${index}`;
  const p = await postJson<{ id: string }>(page.request, page.context(), "/api/patients", { ...cohort.patient, mrn, familyName: `Safety${index}` });
  return { id: p.id, mrn, familyName: `Safety${index}`, givenName: cohort.patient.givenName, cohort };
}

/** A synthetic CT of `of`, its header saying `who` (default: the patient's own MRN and name). */
function ct(of: Made, who: Partial<CohortPatient["patient"]> = {}, variant = 0): Buffer {
  const p = { ...of.cohort, index: of.cohort.index * 100 + variant, patient: { ...of.cohort.patient, mrn: of.mrn, familyName: of.familyName, ...who } };
  return Buffer.from(scanToDicom(p, renderScan(of.cohort, { size: 128 })));
}

async function uploadFile(page: Page, name: string, buffer: Buffer) {
  await page.getByTestId("upload-input").setInputFiles([{ name, mimeType: "application/dicom", buffer }]);
  return page.getByTestId("upload-item").filter({ hasText: name });
}

async function record(page: Page, id: string) {
  return (await (await page.request.get(`/api/patients/${id}`)).json()) as {
    recordVersion: number;
    scans: { id: string; identityFlag: string | null }[];
    assessments: { id: string; scanId: string | null; status: string }[];
  };
}

test.beforeEach(async ({ page }) => {
  await loginAs(page, "clinician");
});

test("a file naming another patient: Cancel is the default, attaching needs a typed reason, and the scan is flagged on the viewer, thumbnail and risk panel", async ({ page }) => {
  const me = await makePatient(page, 1);
  const stranger = generatePatient(1212, 2);
  await page.goto(`/patients/${me.id}`);

  const item = await uploadFile(page, "outside-ct.dcm", Buffer.from(scanToDicom(stranger, renderScan(stranger, { size: 128 }))));
  await expect(item).toHaveAttribute("data-stage", "mismatch");
  const prompt = item.getByTestId("identity-prompt");
  await expect(prompt).toContainText(stranger.patient.mrn);
  await expect(prompt).toContainText(me.mrn);
  // the default action is Cancel: it has the focus; the attach button waits for a reason
  await expect(prompt.getByRole("button", { name: "Cancel" })).toBeFocused();
  const attach = prompt.getByRole("button", { name: "Attach with this reason" });
  await expect(attach).toBeDisabled();
  await prompt.getByRole("textbox").fill("ok");
  await expect(attach).toBeDisabled(); // too short to say why
  await expect(prompt).toContainText("at least 5 characters");
  await page.screenshot({ path: `${SHOTS}/01-mismatch-prompt.png`, fullPage: true });
  expect((await record(page, me.id)).scans).toHaveLength(0); // nothing attached while asking

  const reason = "Outside CT from the referring hospital, filed under their number";
  await prompt.getByRole("textbox").fill(reason);
  await attach.click();
  await expect(item).toHaveAttribute("data-stage", "done", { timeout: 45_000 });

  const rec = await record(page, me.id);
  expect(rec.scans).toHaveLength(1);
  const scanId = rec.scans[0].id;
  expect(rec.scans[0].identityFlag).toBe("other_patient");
  // flagged wherever it is shown
  await expect(page.getByTestId(`thumb-identity-flag-${scanId}`)).toBeVisible();
  await expect(page.getByTestId("viewer-identity-flag")).toHaveText(/header names another patient/);
  await expect(page.getByTestId("risk-identity-flag")).toContainText("This image's header names another patient");
  await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 30_000 });
  await page.screenshot({ path: `${SHOTS}/02-flagged-scan.png`, fullPage: true });

  // a file whose header names nobody asks too; Cancel attaches nothing
  const anon = await uploadFile(page, "anonymized.dcm", ct(me, { mrn: "", familyName: "Anonymized", givenName: "" }, 1));
  await expect(anon).toHaveAttribute("data-stage", "mismatch");
  await expect(anon.getByTestId("identity-prompt")).toContainText("does not identify the patient");
  await page.screenshot({ path: `${SHOTS}/03-unidentified-prompt.png`, fullPage: true });
  await page.keyboard.press("Enter"); // Enter on the focused default: Cancel
  await expect(page.getByTestId("upload-item").filter({ hasText: "anonymized.dcm" })).toHaveCount(0);
  expect((await record(page, me.id)).scans).toHaveLength(1);
});

test("entered in error: a reason is required, the scan and its scores leave the record, and the patient is re-assessed on the scan left", async ({ page }) => {
  const me = await makePatient(page, 3);
  await page.goto(`/patients/${me.id}`);
  const own = await uploadFile(page, "own-ct.dcm", ct(me));
  await expect(own).toHaveAttribute("data-stage", "done", { timeout: 45_000 });
  const stranger = generatePatient(1212, 4);
  const wrong = await uploadFile(page, "wrong-ct.dcm", Buffer.from(scanToDicom(stranger, renderScan(stranger, { size: 128 }))));
  await expect(wrong).toHaveAttribute("data-stage", "mismatch");
  await wrong.getByRole("textbox").fill("Looked like ours at the time of upload");
  await wrong.getByRole("button", { name: "Attach with this reason" }).click();
  await expect(wrong).toHaveAttribute("data-stage", "done", { timeout: 45_000 });

  const before = await record(page, me.id);
  expect(before.scans).toHaveLength(2);
  const wrongScan = before.scans.find((s) => s.identityFlag === "other_patient")!;
  const ownScan = before.scans.find((s) => s.identityFlag === null)!;
  await page.getByTestId(`thumb-${wrongScan.id}`).click();
  await expect(page.getByTestId("risk-identity-flag")).toBeVisible();

  await page.getByTestId("eie-scan").getByRole("button", { name: /as entered in error/ }).click();
  const form = page.getByTestId("eie-scan-form");
  await expect(form.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expect(form.getByRole("button", { name: "Mark as entered in error" })).toBeDisabled();
  await form.getByRole("textbox").fill("Wrong patient: this CT belongs to another patient");
  await page.screenshot({ path: `${SHOTS}/04-entered-in-error-dialog.png`, fullPage: true });
  await form.getByRole("button", { name: "Mark as entered in error" }).click();

  // gone from the viewer's list; the record and its assessments no longer hold it
  await expect(page.getByTestId(`thumb-${wrongScan.id}`)).toHaveCount(0);
  await expect(page.getByTestId(`thumb-${ownScan.id}`)).toBeVisible();
  const after = await record(page, me.id);
  expect(after.scans.map((s) => s.id)).toEqual([ownScan.id]);
  expect(after.assessments.some((a) => a.scanId === wrongScan.id)).toBe(false);
  // re-assessed on the scan left: its new score appears on the panel
  const earlier = new Set(before.assessments.map((a) => a.id));
  const re = after.assessments.find((a) => a.scanId === ownScan.id && !earlier.has(a.id));
  expect(re, "a re-assessment was queued").toBeTruthy();
  await expect.poll(async () => (await record(page, me.id)).assessments.find((a) => a.id === re!.id)?.status, { timeout: 45_000 }).toBe("done");
  await expect(page.getByTestId("risk-identity-flag")).toHaveCount(0);
  await expect(page.getByTestId("risk-provenance")).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: `${SHOTS}/05-after-entered-in-error.png`, fullPage: true });
  // a re-assessment of the scan entered in error is refused
  const csrf = await csrfOf(page.context());
  const r = await page.request.post(`/api/patients/${me.id}/assessments`, { data: { scanId: wrongScan.id }, headers: { "x-csrf-token": csrf } });
  expect(r.status()).toBe(409);
});

test("the record changed since this score: an edit through the API from another session flags the score on the record page and the patient list, until the new score is stored", async ({ page, browser }) => {
  const me = await makePatient(page, 5);
  await page.goto(`/patients/${me.id}`);
  const own = await uploadFile(page, "ct.dcm", ct(me));
  await expect(own).toHaveAttribute("data-stage", "done", { timeout: 45_000 });
  await expect(page.getByTestId("risk-provenance")).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("record-changed")).toHaveCount(0);

  // another session adds a myocardial infarction through the API
  const other: BrowserContext = await browser.newContext();
  try {
    const otherPage = await other.newPage();
    await loginAs(otherPage, "clinician");
    await postJson(otherPage.request, other, `/api/patients/${me.id}/conditions`, { code: "I21.9", display: "Acute myocardial infarction", onsetDate: "2026-11-30" });
  } finally {
    await other.close();
  }

  // the open record page learns of it by itself (no reload) and says what changed
  const notice = page.getByTestId("record-changed");
  await expect(notice).toBeVisible({ timeout: 20_000 });
  await expect(notice).toContainText("The record changed since this score");
  await expect(notice).toContainText("medical history");
  await expect(page.getByTestId("record-changed-next")).toContainText(/runs automatically|queued/);
  await expect(page.getByTestId("research-label")).toContainText("research use only, not for diagnosis");
  await page.screenshot({ path: `${SHOTS}/06-record-changed-flag.png`, fullPage: true });

  // the patient list says so too
  const list = await page.context().newPage();
  await list.goto(`/patients?q=${me.mrn}`);
  await expect(list.getByRole("row", { name: new RegExp(me.mrn) }).getByTestId("list-record-changed")).toContainText("medical history");
  await list.screenshot({ path: `${SHOTS}/07-patient-list-record-changed.png`, fullPage: true });

  // the flag stays until the new score is stored: bring the waiting re-assessment forward
  await notice.getByTestId("reassess-now").click();
  await expect(page.getByTestId("record-changed")).toHaveCount(0, { timeout: 45_000 });
  await expect(page.getByTestId("risk-provenance")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/08-record-changed-cleared.png`, fullPage: true });
  await list.reload();
  await expect(list.getByRole("row", { name: new RegExp(me.mrn) }).getByTestId("list-record-changed")).toHaveCount(0);
  await list.close();
});

test("a patient without scans is scored on the record alone, flagged as such", async ({ page }) => {
  const me = await makePatient(page, 6);
  await page.goto(`/patients/${me.id}`);
  await page.getByTestId("score-record-only").getByRole("button", { name: "Score from the record alone" }).click();
  await expect(page.getByTestId("record-only-badge")).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId("risk-notices")).toContainText("No scan was used");
  await page.screenshot({ path: `${SHOTS}/09-record-only-score.png`, fullPage: true });
});

test("the admin view keeps what was entered in error: who, when, why", async ({ page, browser }) => {
  const me = await makePatient(page, 7);
  const stranger = generatePatient(1212, 8);
  const csrf = await csrfOf(page.context());
  const up = await page.request.post(`/api/patients/${me.id}/scans`, {
    headers: { "x-csrf-token": csrf },
    multipart: {
      file: { name: "stranger.dcm", mimeType: "application/dicom", buffer: Buffer.from(scanToDicom(stranger, renderScan(stranger, { size: 64 }))) },
      confirmPatientMismatch: "true",
      identityReason: "Filed under the referring hospital's number",
    },
  });
  expect(up.status(), await up.text()).toBe(201);
  const scanId = ((await up.json()) as { scan: { id: string } }).scan.id;
  const reason = `Wrong patient (admin view check ${me.mrn})`;
  await postJson(page.request, page.context(), `/api/scans/${scanId}/entered-in-error`, { reason }, 200);

  const admin = await browser.newContext();
  try {
    const a = await admin.newPage();
    await loginAs(a, "admin");
    await a.goto("/admin/entered-in-error");
    const row = a.getByTestId("eie-scans").getByRole("row", { name: new RegExp(me.mrn) });
    await expect(row).toContainText(reason);
    await expect(row).toContainText("This image's header names another patient");
    await expect(row).toContainText("dr.demo");
    await a.screenshot({ path: `${SHOTS}/10-admin-entered-in-error.png`, fullPage: true });
  } finally {
    await admin.close();
  }
});
