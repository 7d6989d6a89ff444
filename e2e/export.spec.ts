// Research export in real Chromium against the production build: a researcher builds a cohort,
// sees its size, downloads a de-identified Parquet file (progress shown while streaming) and its
// data dictionary; clinicians and anonymous visitors are turned away.
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { generateCohort } from "../models/fusion/cohort";
import { loginAs } from "./support/login";

const SEED = Number(process.env.FUSION_SEED ?? 42);
const PATIENTS = Number(process.env.FUSION_SEED_PATIENTS ?? 60);

async function cohortCount(page: Page): Promise<{ assessments: number; patients: number }> {
  const status = page.getByTestId("cohort-count");
  await expect(status).toContainText(/assessments of [\d,]+ patients match/);
  await expect(status).not.toContainText("updating");
  const m = /([\d,]+) assessments of ([\d,]+) patients/.exec((await status.textContent()) ?? "")!;
  return { assessments: Number(m[1].replace(/,/g, "")), patients: Number(m[2].replace(/,/g, "")) };
}

async function download(page: Page): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
  const path = await dl.path();
  await expect(page.getByTestId("export-progress")).toContainText("Download complete");
  return readFileSync(path!);
}

test("anonymous visitors are sent to sign in; the export API answers 401", async ({ page }) => {
  await page.goto("/research/export");
  await expect(page).toHaveURL(/\/login\?next=%2Fresearch%2Fexport/);
  expect((await page.request.get("/api/export?format=csv")).status()).toBe(401);
});

test("a clinician cannot reach the research export (page → access denied, API → 403)", async ({ page }) => {
  await loginAs(page, "clinician");
  await page.goto("/research/export");
  await expect(page).toHaveURL(/\/access-denied/);
  expect((await page.request.get("/api/export?format=csv")).status()).toBe(403);
  expect((await page.request.get("/api/export/count")).status()).toBe(403);
});

test("a researcher builds a cohort, sees its size and downloads a de-identified Parquet file with its dictionary", async ({ page }) => {
  await loginAs(page, "researcher", { next: "/research/export" });
  await expect(page).toHaveURL(/\/research\/export/);
  await expect(page.getByRole("heading", { name: "Research export" })).toBeVisible();
  const all = await cohortCount(page);
  const probe = await page.request.get("/api/export?format=csv&limit=1");
  expect(probe.status(), "export works out of the box (FUSION_EXPORT_SECRET, or the secret the server keeps in its data directory)").not.toBe(503);
  await probe.body();

  // a bad code is explained, not a blank page
  await page.getByLabel("Condition codes").fill("banana");
  await expect(page.getByTestId("cohort-count")).toContainText(/not an ICD-10 code/);
  // a real filter narrows (or keeps) the cohort: a count no larger than the whole cohort's, or
  // (few of the seeded patients may have assessments) the small-cell answer
  await page.getByLabel("Condition codes").fill("I10, E10-E14");
  const status = page.getByTestId("cohort-count");
  await expect(status).toContainText(/assessments of [\d,]+ patients match|Fewer than 11 patients match/);
  await expect(status).not.toContainText("updating");
  const answer = (await status.textContent()) ?? "";
  if (/assessments of/.test(answer)) {
    const narrowed = await cohortCount(page);
    expect(narrowed.assessments).toBeLessThanOrEqual(all.assessments);
    expect(narrowed.patients).toBeLessThanOrEqual(all.patients);
  } else {
    await expect(page.getByRole("button", { name: "Download" })).toBeDisabled();
  }
  // a small cell (fewer than 11 patients aged 90+ with this code, if any): no figures, no download
  await page.getByLabel("Condition codes").fill("I10");
  await page.getByLabel("Minimum age").fill("90");
  await expect(page.getByTestId("cohort-count")).toContainText(/Fewer than 11 patients match[\s\S]*too few to export/);
  await expect(page.getByRole("button", { name: "Download" })).toBeDisabled();
  await page.getByLabel("Minimum age").fill("");
  await page.getByLabel("Condition codes").fill("");
  // the count refreshes after a short debounce: wait for it to come back to the whole cohort
  await expect.poll(() => cohortCount(page), { timeout: 10_000 }).toEqual(all);

  // Parquet (the default format)
  await expect(page.getByLabel("Parquet")).toBeChecked();
  const pq = await download(page);
  expect(pq.subarray(0, 4).toString()).toBe("PAR1");
  expect(pq.subarray(-4).toString()).toBe("PAR1");
  const ab = pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file: ab });
  expect(rows.length).toBe(all.assessments);
  const meta = parquetMetadata(ab);
  const dict = JSON.parse(meta.key_value_metadata!.find((kv) => kv.key === "fusion_cds.dictionary")!.value!);
  expect(dict.cohort.assessments).toBe(all.assessments);
  expect(new Set(rows.map((r) => r.patient_pseudonym)).size).toBe(all.patients);

  // nothing identifying of the seeded demo cohort anywhere in the file
  const text = pq.toString("latin1");
  for (const p of generateCohort({ n: PATIENTS, seed: SEED })) {
    for (const needle of [p.patient.mrn, p.patient.birthDate, p.patient.birthDate.replace(/-/g, ""), `${p.patient.givenName} ${p.patient.familyName}`, `${p.patient.familyName}^${p.patient.givenName}`])
      expect(text.includes(needle), needle).toBe(false);
  }

  // the dictionary for the same export: Markdown and JSON
  const mdHref = await page.getByTestId("dictionary-md").getAttribute("href");
  const md = await page.request.get(mdHref!);
  expect(md.status()).toBe(200);
  expect(await md.text()).toMatch(/# Fusion CDS research export — data dictionary[\s\S]*## De-identification[\s\S]*\| `patient_pseudonym` \|/);
  const jsonHref = await page.getByTestId("dictionary-json").getAttribute("href");
  const dj = await (await page.request.get(jsonHref!)).json();
  expect(dj.columns.map((c: { name: string }) => c.name)).toEqual(dict.columns.map((c: { name: string }) => c.name));

  // CSV of the same cohort: one header line + one line per row, with a row count in the status
  await page.getByLabel("CSV").check();
  const csv = (await download(page)).toString("utf8");
  expect(csv.trimEnd().split("\n").length).toBe(all.assessments + 1);
  await expect(page.getByTestId("export-progress")).toContainText(`${all.assessments.toLocaleString("en-US")} rows`);
});
