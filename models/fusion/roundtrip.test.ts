/**
 * Tiny end-to-end: train (all strategies, small cohort, small image) → save bundle → load → assess.
 * Runs on whatever backend is here (tfjs-node if built, else cpu — wasm cannot train convs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { mkdtemp, readFile, rm, writeFile, cp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadFusionModel, assess, FusionModelError, type FusionModel } from "@/lib/fusion";
import { AssessmentResult } from "@/lib/domain/assessment";
import { runTraining, defaultOptions } from "./pipeline";
import { generatePatient, renderScan, toRecordInput } from "./cohort";

let dir = "";
let model: FusionModel;
const tmp = path.join(os.tmpdir(), "fusion-roundtrip-");

beforeAll(async () => {
  const out = await mkdtemp(tmp);
  const r = await runTraining({
    ...defaultOptions(),
    nTrain: 240,
    nVal: 120,
    nTest: 160,
    epochs: 2,
    patience: 2,
    imageSize: 32,
    bootstrapB: 20,
    bayesN: 500,
    intervalN: 100,
    out,
    version: "0.0.1-test",
    arch: { convFilters: [4, 8, 8], fusedDim: 16 },
    quiet: true,
  });
  dir = r.dir;
  model = await loadFusionModel(dir);
}, 900_000); // generous: a load of 20 on two cores once took this past 240 s (cpu backend); the work is fixed, not timed

afterAll(async () => {
  model?.dispose();
  if (dir) await rm(path.dirname(dir), { recursive: true, force: true });
});

describe("train → save → load → assess round trip", () => {
  it("writes a complete bundle with all five strategies evaluated", async () => {
    for (const f of ["model.json", "weights.bin", "tabular.json", "tabular.weights.bin", "encoders.json", "inference.json", "card.json", "report.md", "evaluation.json", "strategies.json", "plots/roc-lung_cancer_2y.svg"])
      expect((await readFile(path.join(dir, f))).length, f).toBeGreaterThan(0);
    const ev = JSON.parse(await readFile(path.join(dir, "evaluation.json"), "utf8"));
    expect(Object.keys(ev.heads[0].metrics).sort()).toEqual(["bayes", "early", "image_only", "joint", "late", "tabular_only"]);
    const card = JSON.parse(await readFile(path.join(dir, "card.json"), "utf8"));
    expect(card.intendedUse).toMatch(/Research use only/);
  });

  it("assesses with an image: calibrated scores, embeddings, explanations that add up; no tensor leak", async () => {
    const p = generatePatient(20261128, 5);
    const scan = renderScan(p, { size: 128 });
    const input = { record: toRecordInput(p), image: { rows: scan.rows, columns: scan.columns, data: Float32Array.from(scan.hu), modality: "CT" } };
    await assess(input, { model }); // warm-up
    const start = tf.memory().numTensors;
    const r = await assess(input, { model });
    expect(tf.memory().numTensors).toBe(start);
    expect(r.path).toBe("joint");
    expect(AssessmentResult.safeParse(r).success).toBe(true);
    for (const h of model.meta.heads) {
      const s = r.scores[h];
      expect(s.probability).toBeGreaterThan(0);
      expect(s.probability).toBeLessThan(1);
      expect(s.interval[0]).toBeLessThanOrEqual(s.probability);
      expect(s.interval[1]).toBeGreaterThanOrEqual(s.probability);
      // Shapley efficiency: contributions sum to score − baseline score
      const c = r.explanation.modalityContributionsByHead[h];
      const sum = c.image + c.history + c.family + c.diet;
      expect(sum).toBeCloseTo(s.probability - r.explanation.baselineProbability[h], 5);
    }
    expect(r.embeddings.image?.length).toBe(model.meta.arch.imageEmbDim);
    expect(r.embeddings.tabular.length).toBe(model.meta.arch.tabEmbDim);
    expect(r.embeddings.fused?.length).toBe(model.meta.arch.fusedDim);
    expect(r.explanation.saliency?.width).toBe(32);
    expect(Buffer.from(r.explanation.saliency!.data, "base64").length).toBe(32 * 32);
    expect(Object.keys(r.timings)).toEqual(expect.arrayContaining(["encode", "preprocess", "forward", "shapley", "integratedGradients", "gradCam", "total"]));
  });

  it("integrated gradients add up to the score difference from the baseline record", async () => {
    const p = generatePatient(20261128, 9);
    const r = await assess({ record: toRecordInput(p) }, { model, igSteps: 64 });
    // tabular path: f(x) − f(baseline) is exactly what IG distributes
    expect(r.path).toBe("tabular_only");
    expect(r.flags).toContain("no_image_tabular_path");
    expect(r.explanation.saliency).toBeNull();
    for (const h of model.meta.heads) {
      const ig = r.explanation.featureAttributionsByHead[h].reduce((s, a) => s + a.contribution, 0);
      const diff = r.scores[h].probability - r.explanation.baselineProbability[h];
      expect(Math.abs(ig - diff)).toBeLessThan(0.01 + 0.02 * Math.abs(diff));
    }
  });

  it("refuses to load a model saved with different encoders", async () => {
    const bad = await mkdtemp(tmp);
    try {
      await cp(dir, bad, { recursive: true });
      const spec = JSON.parse(await readFile(path.join(bad, "encoders.json"), "utf8"));
      spec.version = "fusion-encoders/0.0.1";
      await writeFile(path.join(bad, "encoders.json"), JSON.stringify(spec));
      await expect(loadFusionModel(bad)).rejects.toMatchObject({ code: "ENCODER_VERSION_MISMATCH" });
      await expect(loadFusionModel(bad)).rejects.toBeInstanceOf(FusionModelError);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
