// The model lifecycle in real Chromium against the production build on the embedded database:
// a clinician records an outcome (and marks one entered in error), a researcher builds a training
// snapshot from the database (the seeded cohort's outcomes), trains a tiny candidate on the job
// queue with a live progress bar and reads its evaluation; an admin puts it in shadow, promotes it
// with a typed reason, then rolls back (the demo model is active again). Screenshots in
// /tmp/shots-lifecycle13 (FUSION_E2E_SHOTS overrides).
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { loginAs, logout } from "./support/login";

const SHOTS = process.env.FUSION_E2E_SHOTS ?? "/tmp/shots-lifecycle13";
mkdirSync(SHOTS, { recursive: true });
const MRN = "DEMO-000047"; // a seeded patient no other spec edits

async function patientId(page: Page, mrn: string): Promise<string> {
  const r = await page.request.get(`/api/patients?q=${mrn}`);
  expect(r.ok()).toBeTruthy();
  const hit = ((await r.json()) as { items: { id: string; mrn: string }[] }).items.find((p) => p.mrn === mrn);
  expect(hit, `${mrn} is in the demo cohort`).toBeTruthy();
  return hit!.id;
}

async function activeVersion(page: Page): Promise<string | undefined> {
  const r = await page.request.get("/api/models");
  return ((await r.json()) as { items: { name: string; version: string; status: string | null }[] }).items.find((m) => m.status === "active")?.version;
}

test("outcomes → snapshot → tiny training with progress → evaluation → shadow → promote → roll back", async ({ page }) => {
  test.setTimeout(300_000);

  // 1. a clinician records an outcome on the record page, and marks a wrong one entered in error
  await loginAs(page, "clinician");
  const id = await patientId(page, MRN);
  await page.goto(`/patients/${id}`);
  const panel = page.getByRole("region", { name: "Observed outcomes" });
  await expect(panel.getByTestId("outcomes-table")).toBeVisible();
  for (const [outcome, date] of [["mace", "2024-03-01"], ["lung_cancer", "2023-07-15"]] as const) {
    await panel.getByRole("button", { name: "Record outcome" }).click();
    const form = panel.getByRole("form", { name: "Record outcome" });
    await form.getByLabel("Outcome").selectOption(outcome);
    await form.getByLabel("Date").fill(date);
    await form.getByRole("button", { name: "Add" }).click();
    await expect(panel.getByRole("row", { name: new RegExp(date) })).toBeVisible();
  }
  await panel.getByRole("button", { name: "Mark Lung cancer diagnosed of 2023-07-15 entered in error" }).click();
  const errForm = panel.getByRole("form", { name: /entered in error/ });
  await errForm.getByRole("button", { name: "Mark entered in error" }).click();
  await expect(errForm.getByRole("alert")).toContainText("say why");
  await errForm.getByLabel("Reason").fill("recorded on the wrong patient");
  await errForm.getByRole("button", { name: "Mark entered in error" }).click();
  const struck = panel.getByRole("row", { name: /2023-07-15/ });
  await expect(struck).toContainText("entered in error: recorded on the wrong patient");
  await expect(struck).toHaveClass(/entered-in-error/);
  await expect(panel.getByTestId("follow-up")).toContainText("Follow-up ends");
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: `${SHOTS}/01-outcomes-on-record.png` });
  await logout(page);

  // 2. a researcher builds a snapshot from the database (index date = the demo cohort's baseline)
  await loginAs(page, "researcher", { next: "/models/training" });
  await expect(page.getByRole("heading", { name: "Training", level: 1 })).toBeVisible();
  await expect(page.getByText("research use only — not for diagnosis", { exact: false }).first()).toBeVisible();
  await page.getByRole("button", { name: "Build snapshot" }).click();
  const snapRow = page.getByTestId("snapshots-table").locator("tbody tr").first();
  await expect(snapRow).toContainText("2021-11-01", { timeout: 60_000 });
  await expect(snapRow).toContainText(/lung_cancer_2y: \d+ \/ \d+ \/ \d+/);
  const patients = Number(await snapRow.locator("td").nth(2).textContent());
  expect(patients).toBeGreaterThanOrEqual(50); // the seeded cohort (60), all followed up from the baseline
  expect(Number(await snapRow.locator("td").nth(3).textContent())).toBeGreaterThan(0); // baseline CTs carried as image input

  // 3. trains a tiny joint candidate: live progress, then done
  await page.getByLabel("Strategy").selectOption("joint");
  await page.getByLabel("Epochs").fill("1");
  await expect(page.getByLabel(/Tiny configuration/)).toBeChecked();
  await page.getByRole("button", { name: "Train candidate" }).click();
  const job = page.getByTestId("jobs-table").locator("tbody tr").first();
  await expect(job).toContainText(/queued|running/);
  await expect(job.getByRole("progressbar")).toBeVisible({ timeout: 60_000 });
  await expect(job).toContainText(/epoch [\d.]+\/\d+ · loss/);
  await page.screenshot({ path: `${SHOTS}/02-training-progress.png`, fullPage: true });
  await expect(job).toContainText("done", { timeout: 240_000 });
  await expect(job.getByRole("progressbar")).toHaveAttribute("value", "100");
  await page.screenshot({ path: `${SHOTS}/03-training-done.png`, fullPage: true });

  // 4. reads its evaluation: held-out metrics with CIs, provenance, the report with subgroups
  await job.getByRole("link", { name: "evaluation and card" }).click();
  await expect(page).toHaveURL(/\/models\/fusion-demo\/c\d{8}-[0-9a-f]{8}$/);
  const candidateUrl = page.url();
  await expect(page.getByTestId("model-status")).toHaveText("candidate");
  await expect(page.getByTestId("candidate-metrics")).toContainText("mace_5y");
  await expect(page.getByTestId("registry-provenance")).toContainText(/[0-9a-f]{64}/);
  await expect(page.getByRole("heading", { name: "Evaluation report" })).toBeVisible();
  await expect(page.getByText("research use only, not for diagnosis", { exact: false }).first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Promote to active" })).toHaveCount(0); // researchers do not decide
  await page.screenshot({ path: `${SHOTS}/04-candidate-evaluation.png`, fullPage: true });
  await logout(page);

  // 5. an admin puts it in shadow, promotes it with a reason, and rolls back
  await loginAs(page, "admin", { next: new URL(candidateUrl).pathname });
  const before5 = await activeVersion(page);
  expect(before5).toBe("1.1.0");
  const reason = page.getByLabel("Reason (recorded in the audit trail)");
  await page.getByRole("button", { name: "Put in shadow" }).click();
  await expect(page.locator("#registry-reason-err")).toContainText("say why");
  await reason.fill("Evaluation reviewed; shadow on new assessments first");
  await page.getByRole("button", { name: "Put in shadow" }).click();
  await expect(page.getByTestId("model-status")).toHaveText("shadow");
  await reason.fill("Shadow comparison reviewed by the model board");
  await page.getByRole("button", { name: "Promote to active" }).click();
  await expect(page.getByTestId("model-status")).toHaveText("active");
  await expect(page.getByTestId("registry-provenance")).toContainText("Shadow comparison reviewed by the model board");
  await expect(page.getByTestId("registry-provenance")).toContainText("fusion-demo@1.1.0");
  expect(await activeVersion(page)).toMatch(/^c\d{8}-/);
  await page.screenshot({ path: `${SHOTS}/05-promoted.png`, fullPage: true });
  await reason.fill("Rolling back after the demo");
  await page.getByRole("button", { name: "Roll back to the previous version" }).click();
  await expect(page.getByTestId("model-status")).toHaveText("retired");
  expect(await activeVersion(page)).toBe("1.1.0");
  await page.goto("/models");
  await expect(page.getByRole("row", { name: /fusion-demo 1\.1\.0/ })).toContainText("active");
  await page.screenshot({ path: `${SHOTS}/06-rolled-back.png`, fullPage: true });
});
