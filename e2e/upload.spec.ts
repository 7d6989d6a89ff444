import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { loginAs } from "./support/login";
import { generatePatient, renderScan, scanToDicom } from "../models/fusion/cohort";

// Upload in a real browser: drop files on the record page, watch them go stored → queued →
// running → assessed, and see the new scan with its scores; bad files are explained.
// The e2e server seeds the demo cohort with seed 42; DEMO-000030 has no scans of its own.
const SEED = 42;
const INDEX = 30;
const MRN = `DEMO-${String(INDEX).padStart(6, "0")}`;

async function openRecord(page: Page, mrn: string) {
  const list = await page.request.get(`/api/patients?q=${mrn}`);
  const hit = ((await list.json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === mrn)!;
  await page.goto(`/patients/${hit.id}`);
  return hit.id;
}

test.beforeEach(async ({ page }) => {
  await loginAs(page, "clinician");
});

test("a clinician uploads the patient's CT and a wrong file at once; the CT is assessed and shown with its scores", async ({ page }) => {
  const p = generatePatient(SEED, INDEX);
  const ct = Buffer.from(scanToDicom(p, renderScan(p, { size: 512 })));
  const id = await openRecord(page, MRN);
  const before = (await (await page.request.get(`/api/patients/${id}`)).json()) as { scans: unknown[] };

  await page.getByTestId("upload-input").setInputFiles([
    { name: `${MRN}-chest.dcm`, mimeType: "application/dicom", buffer: ct },
    { name: "notes.dcm", mimeType: "application/dicom", buffer: Buffer.from("this is not an image ".repeat(40)) },
  ]);
  const items = page.getByTestId("upload-item");
  await expect(items).toHaveCount(2);
  const good = items.filter({ hasText: `${MRN}-chest.dcm` });
  const bad = items.filter({ hasText: "notes.dcm" });
  await expect(bad).toHaveAttribute("data-stage", "rejected");
  await expect(bad).toContainText(/not.*DICOM|DICOM.*not/i);
  await expect(good).toHaveAttribute("data-stage", "done", { timeout: 30_000 });

  // the record now has the scan, with a finished assessment of the joint model
  const after = (await (await page.request.get(`/api/patients/${id}`)).json()) as {
    scans: { id: string; modality: string }[];
    assessments: { scanId: string; status: string; strategy: string; scores: Record<string, { probability: number }> }[];
  };
  expect(after.scans.length).toBe(before.scans.length + 1);
  const scan = after.scans.find((s) => s.modality === "CT")!;
  const a = after.assessments.find((x) => x.scanId === scan.id)!;
  expect(a.status).toBe("done");
  expect(a.strategy).toBe("joint");
  // selected in the viewer, and the risk panel shows its scores
  await expect(page.getByTestId(`thumb-${scan.id}`)).toBeVisible();
  await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 20_000 });
  for (const [head, s] of Object.entries(a.scores))
    await expect(page.getByTestId(`head-${head}`)).toContainText(`${(s.probability * 100).toFixed(s.probability < 0.1 ? 1 : 0)}%`);
  await page.screenshot({ path: "test-results/screenshots/upload-assessed.png", fullPage: true });

  // the same file again is recognised, not duplicated
  await page.getByTestId("upload-input").setInputFiles([{ name: "again.dcm", mimeType: "application/dicom", buffer: ct }]);
  await expect(items.filter({ hasText: "again.dcm" })).toContainText("Already on this record");
  const again = (await (await page.request.get(`/api/patients/${id}`)).json()) as { scans: unknown[] };
  expect(again.scans.length).toBe(after.scans.length);
});

test("a file naming another patient needs confirmation before it is attached", async ({ page }) => {
  const other = generatePatient(SEED, INDEX + 1);
  const bytes = Buffer.from(scanToDicom(other, renderScan(other, { size: 128 })));
  await openRecord(page, MRN);
  await page.getByTestId("upload-input").setInputFiles([{ name: "other.dcm", mimeType: "application/dicom", buffer: bytes }]);
  const item = page.getByTestId("upload-item").filter({ hasText: "other.dcm" });
  await expect(item).toHaveAttribute("data-stage", "mismatch");
  await expect(item).toContainText(other.patient.mrn);
  await expect(item).toContainText(MRN);
  await item.getByRole("textbox").fill("Outside CT filed under another number");
  await item.getByRole("button", { name: "Attach with this reason" }).click();
  await expect(item).toHaveAttribute("data-stage", "done", { timeout: 30_000 });
});

test("a real MR file in JPEG 2000 is stored and assessed on the record alone (not a CT)", async ({ page }) => {
  const mr = readFileSync(".cache/pydicom/test_files/MR_small_jp2klossless.dcm");
  await openRecord(page, MRN);
  await page.getByTestId("upload-input").setInputFiles([{ name: "MR_small_jp2klossless.dcm", mimeType: "application/dicom", buffer: mr }]);
  const item = page.getByTestId("upload-item").filter({ hasText: "MR_small_jp2klossless.dcm" });
  await expect(item).toHaveAttribute("data-stage", "mismatch");
  await item.getByRole("textbox").fill("pydicom test file attached on purpose");
  await item.getByRole("button", { name: "Attach with this reason" }).click();
  await expect(item).toHaveAttribute("data-stage", "done", { timeout: 30_000 });
});
