/**
 * evaluateCandidate in a process that has trained nothing (what a model page or a fresh worker
 * does): the committed candidate 1.2.0 against the served 1.1.0 on a small snapshot of patients
 * neither trained on (the 1.1.0 cohort's test range; 1.2.0 was trained on another cohort seed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { evaluateCandidate } from "./api";
import { writeSyntheticSnapshot } from "./snapshot-fixture";

let tmp = "";
let snapshotPath = "";
const root = path.join(process.cwd(), "models", "fusion-demo");

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "fusion-eval-"));
  snapshotPath = path.join(tmp, "holdout.parquet");
  await writeSyntheticSnapshot({ out: snapshotPath, n: 200, seed: 20261128, offset: 12500, imageSize: 64, resize: "physical", splitByIndex: { train: 0, val: 0 } });
}, 120_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("evaluateCandidate in a fresh process", () => {
  it("scores the committed 1.2.0 candidate and the served 1.1.0 on the same patients", async () => {
    const { report, plots } = await evaluateCandidate({ bundleDir: path.join(root, "1.2.0"), snapshotPath, compareWith: [path.join(root, "1.1.0")], seed: 1, B: 20 });
    const r = report as { models: string[]; testRows: number; caveats: string[]; heads: { metrics: Record<string, { auroc: { value: number } }> }[] };
    expect(r.models).toEqual(["fusion-demo 1.2.0 (joint)", "fusion-demo 1.1.0"]);
    expect(r.testRows).toBe(200);
    // both models are far better than chance on patients they never saw
    for (const m of r.models) expect(r.heads[0].metrics[m].auroc.value).toBeGreaterThan(0.8);
    expect(r.caveats.join(" ")).toMatch(/1\.1\.0 was trained with "area"/);
    expect(Object.keys(plots)).toHaveLength(6);
  });
});
