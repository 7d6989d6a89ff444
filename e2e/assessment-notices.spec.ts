// The risk panel tells the clinician when, and why, the image was not used: a real CT unlike the
// demo model's synthetic training images (out-of-distribution check) and an MR scan (not in the
// training data) are scored on the record alone, and the panel says so in words.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { loginAs } from "./support/login";

const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

type Rec = { id: string; scans: { id: string; modality: string; contentType: string; rows: number }[]; assessments: { scanId: string | null; status: string; strategy: string; flags: string[] }[] };

async function record(page: Page, mrn: string): Promise<Rec> {
  const list = (await (await page.request.get(`/api/patients?q=${mrn}`)).json()) as { items: { id: string; mrn: string }[] };
  const hit = list.items.find((p) => p.mrn === mrn);
  expect(hit, `${mrn} is seeded by scripts/e2e-server.mjs`).toBeTruthy();
  return (await (await page.request.get(`/api/patients/${hit!.id}`)).json()) as Rec;
}

async function openScan(page: Page, rec: Rec, scanId: string) {
  await page.goto(`/patients/${rec.id}`);
  await page.getByTestId(`thumb-${scanId}`).click();
  await expect(page.getByTestId("viewport")).toHaveAttribute("data-status", "ready", { timeout: 20_000 });
}

test.beforeEach(async ({ page }) => loginAs(page, "clinician"));

test("a real CT unlike the training images: scored on the record alone, and the panel says why", async ({ page }) => {
  const rec = await record(page, "DEMO-000001");
  // pydicom's CT_small (128×128), seeded with its assessment by scripts/dev/seed-workspace.ts
  const ct = rec.scans.find((s) => s.modality === "CT" && s.contentType === "application/dicom" && rec.assessments.some((a) => a.scanId === s.id && a.status === "done"));
  expect(ct, "DEMO-000001 has an assessed CT").toBeTruthy();
  const a = rec.assessments.find((x) => x.scanId === ct!.id && x.status === "done")!;
  expect(a.flags).toContain("image_out_of_distribution");
  expect(a.strategy).toBe("tabular_only");

  await openScan(page, rec, ct!.id);
  const notices = page.getByTestId("risk-notices");
  await expect(notices).toBeVisible();
  await expect(notices.locator('[data-flag="image_out_of_distribution"]')).toContainText(/does not resemble the images this model was trained on \(distance [\d.]+ from the training images; the limit is [\d.]+\), so it was not used/);
  await expect(page.getByTestId("risk-provenance")).toContainText("tabular only");
  await expect(page.getByText("This assessment has no saliency map")).toBeVisible();
  await expect(page.getByTestId("risk-panel").locator(".contrib-legend")).not.toContainText("Image");
  await page.getByTestId("risk-panel").screenshot({ path: `${SHOTS}/risk-panel-out-of-distribution.png` });
});

test("an MR scan: the panel says the model was trained on CT only", async ({ page }) => {
  const rec = await record(page, "DEMO-000000");
  const mr = rec.scans.find((s) => s.modality === "MR" && rec.assessments.some((a) => a.scanId === s.id && a.status === "done"));
  expect(mr, "DEMO-000000 has an assessed MR scan").toBeTruthy();
  await openScan(page, rec, mr!.id);
  await expect(page.getByTestId("risk-notices").locator('[data-flag="image_not_used:MR_not_in_training_data"]')).toContainText("trained on CT only; this MR image was not used");
});

test("the synthetic chest CT the model reads carries no image notice", async ({ page }) => {
  const rec = await record(page, "DEMO-000000");
  const ct = rec.scans.find((s) => s.modality === "CT" && s.contentType === "application/dicom" && rec.assessments.some((a) => a.scanId === s.id && a.strategy === "joint"));
  expect(ct, "DEMO-000000 has the synthetic CT assessed by the joint model").toBeTruthy();
  await openScan(page, rec, ct!.id);
  await expect(page.getByTestId("risk-provenance")).toContainText("joint fusion");
  await expect(page.locator('[data-flag="image_out_of_distribution"]')).toHaveCount(0);
});
