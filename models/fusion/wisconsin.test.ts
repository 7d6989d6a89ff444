/**
 * Real data through the record-only path, small: the Wisconsin diagnostic breast cancer data
 * (fetched from Debian's python3-sklearn on demand), 1 × 3-fold cross-validation, few epochs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { crossValidate, readWisconsin, stratifiedFolds, wisconsinCsv, wisconsinMarkdown, writeWisconsinSnapshot, type CvResult } from "./wisconsin";

let tmp = "";
let csv = "";
let result: CvResult;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "wisconsin-test-"));
  csv = wisconsinCsv();
  const snap = await writeWisconsinSnapshot(csv, path.join(tmp, "wdbc.parquet"));
  result = await crossValidate({ snapshotPath: snap.path, repeats: 1, folds: 3, epochs: 15, patience: 5, seed: 7, workDir: tmp, B: 50 });
}, 240_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("Wisconsin diagnostic breast cancer through the record-only path", () => {
  it("reads sklearn's file: 569 patients, 212 malignant", async () => {
    const d = await readWisconsin(csv);
    expect(d.n).toBe(569);
    expect(d.p).toBe(30);
    expect(d.y.reduce((s, v) => s + v, 0)).toBe(212);
  });

  it("stratified folds partition the patients with balanced classes", async () => {
    const { y } = await readWisconsin(csv);
    const f = stratifiedFolds(y, 10, 1);
    for (let k = 0; k < 10; k++) {
      const inFold = Array.from(f).filter((x) => x === k).length;
      const malignant = Array.from(f).filter((x, i) => x === k && y[i] === 1).length;
      expect(inFold).toBeGreaterThanOrEqual(56);
      expect(inFold).toBeLessThanOrEqual(58);
      expect(malignant).toBeGreaterThanOrEqual(21);
      expect(malignant).toBeLessThanOrEqual(22);
    }
  });

  it("cross-validates the record-only network and a logistic regression on the same folds", () => {
    expect(result.perFold).toHaveLength(3);
    expect(result.perFold.reduce((s, f) => s + f.n, 0)).toBe(569);
    // both should land near the published 97.5% (a broken pipeline — wrong labels, leaky or
    // unstandardised features — does not)
    expect(result.summary.mlp.accuracyMean).toBeGreaterThan(0.93);
    expect(result.summary.logistic.accuracyMean).toBeGreaterThan(0.94);
    expect(result.summary.mlp.aurocMean).toBeGreaterThan(0.97);
    const md = wisconsinMarkdown(result);
    expect(md).toContain("97.5%");
    expect(md).toMatch(/record-only MLP \(this path\) \| 9\d\.\d%/);
  });
});
