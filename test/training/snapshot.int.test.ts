// A training snapshot from the database (lib/training/snapshot.ts) on PostgreSQL and embedded PGlite:
// the export's de-identified columns, labels derived from the recorded outcomes (equal to the
// generator's ground truth for the demo cohort), the preprocessed image for patients with a baseline
// CT, read back by the training side (models/fusion/snapshot.ts) with the same sha256.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { engines, type TestEngine } from "../support/engines";
import { seedTrainingCohort } from "./fixture";
import { DEMO_INDEX_DATE } from "@/lib/outcomes/seed";
import { writeTrainingSnapshot } from "@/lib/training/snapshot";
import { loadSnapshot, snapshotInfo, ENCODER_TAB_COLUMNS } from "@/models/fusion/snapshot";
import type { CohortPatient } from "@/models/fusion/cohort";

vi.mock("server-only", () => ({}));

const env = { ...process.env, FUSION_EXPORT_SECRET: "x".repeat(64), FUSION_MIN_CELL_SIZE: "11" };
const heads = ["lung_cancer_2y", "mace_5y"];

describe.each(engines)("training snapshot from the database on %s", (_name, open) => {
  let e: TestEngine;
  let dir: string;
  let cohort: CohortPatient[];
  beforeAll(async () => {
    e = await open();
    dir = mkdtempSync(path.join(tmpdir(), "fcds-snap-"));
    cohort = await seedTrainingCohort(e.prisma, { n: 16, seed: 42, scans: 3 });
  }, 120_000);
  afterAll(async () => {
    await e?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the snapshot format training reads: export columns, outcome labels, image input", async () => {
    const out = path.join(dir, "s.parquet");
    const r = await writeTrainingSnapshot(e, { indexDate: DEMO_INDEX_DATE, heads, image: { size: 32, resize: "physical" } }, out, { env });
    expect(r.rows).toBe(16);
    expect(r.imageRows).toBe(3);
    const info = await snapshotInfo(out);
    expect(info.sha256).toBe(r.sha256);
    expect(info.columns.slice(0, 8)).toEqual(["row_key", "patient_pseudonym", "model_name", "model_version", "fusion_strategy", "sex", "age_years", "assessment_year"]);
    const s = await loadSnapshot(out);
    expect(s.encoderFeatures).toBe(true);
    expect(s.features).toEqual(ENCODER_TAB_COLUMNS);
    expect(s.heads).toEqual(heads);
    expect(s.imageSize).toBe(32);
    expect(s.imageSpec?.resize).toBe("physical");
    expect(s.provenance).toMatchObject({ kind: "real", indexDate: DEMO_INDEX_DATE });
    expect(Array.from(s.hasImage).filter(Boolean).length).toBe(3);
    // labels equal the generator's ground truth (the seed recorded it as outcomes with follow-up)
    const truth = cohort.map((p) => heads.map((h) => p.labels[h as keyof typeof p.labels])).flat().sort();
    expect(Array.from(s.labels).sort()).toEqual(truth);
    const pos = cohort.reduce((n, p) => n + p.labels.mace_5y, 0);
    expect(r.labels.mace_5y).toEqual({ positive: pos, negative: 16 - pos, censored: 0 });
    // ages as of the index date (the generator's record is 5 years later)
    expect(Math.max(...(s.age as number[]))).toBeLessThanOrEqual(90);
    // nothing identifying of the cohort in the file
    const text = readFileSync(out).toString("latin1");
    for (const p of cohort) for (const needle of [p.patient.mrn, p.patient.birthDate, p.patient.familyName]) expect(text.includes(needle), needle).toBe(false);
    expect(text).toContain("fusion_cds.dictionary");
  });

  it("the same database and secret give the same bytes (sha256); an outcome marked entered in error changes them", async () => {
    const a = await writeTrainingSnapshot(e, { indexDate: DEMO_INDEX_DATE, heads, image: null }, path.join(dir, "a.parquet"), { env });
    const b = await writeTrainingSnapshot(e, { indexDate: DEMO_INDEX_DATE, heads, image: null }, path.join(dir, "b.parquet"), { env });
    expect(b.sha256).toBe(a.sha256);
    const o = await e.prisma.outcome.findFirstOrThrow({ where: { status: "recorded" } });
    await e.prisma.outcome.update({ where: { id: o.id }, data: { status: "entered_in_error", enteredInErrorReason: "test" } });
    const c = await writeTrainingSnapshot(e, { indexDate: DEMO_INDEX_DATE, heads, image: null }, path.join(dir, "c.parquet"), { env });
    expect(c.sha256).not.toBe(a.sha256);
    await e.prisma.outcome.update({ where: { id: o.id }, data: { status: "recorded", enteredInErrorReason: null } });
  });

  it("refuses a cohort under the small-cell threshold, leaving no file", async () => {
    const out = path.join(dir, "small.parquet");
    await expect(writeTrainingSnapshot(e, { indexDate: DEMO_INDEX_DATE, heads, image: null }, out, { env: { ...env, FUSION_MIN_CELL_SIZE: "50" } })).rejects.toMatchObject({ code: "cohort_too_small" });
    // an index date whose horizon has not elapsed for anyone: every label censored, nobody in it
    await expect(writeTrainingSnapshot(e, { indexDate: "2026-01-01", heads, image: null }, out, { env })).rejects.toMatchObject({ code: "cohort_too_small" });
  });
});
