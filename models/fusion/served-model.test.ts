/**
 * The committed served model (models/fusion-demo/<ACTIVE>) loads, scores demo-cohort patients from
 * its held-out test range with sensible discrimination, and its explanations behave.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import path from "node:path";
import { assess, defaultModelDir, loadFusionModel, predictBatch, preprocessImage, encodeRecord, type FusionModel } from "@/lib/fusion";
import { TABULAR_DIM } from "@/lib/fusion/encoders";
import { generatePatient, renderScan, toRecordInput, HEADS } from "./cohort";
import { auroc } from "./metrics";

let model: FusionModel;
let testSplit: { seed: number; offset: number; n: number };

beforeAll(async () => {
  const dir = defaultModelDir();
  model = await loadFusionModel(dir);
  testSplit = JSON.parse(readFileSync(path.join(dir, "training.json"), "utf8")).cohort.splits.test;
}, 60_000);
afterAll(() => model?.dispose());

const imageOf = (p: ReturnType<typeof generatePatient>, size = 128) => {
  const s = renderScan(p, { size });
  return { scan: s, image: { rows: s.rows, columns: s.columns, data: Float32Array.from(s.hu), modality: "CT" } };
};

describe("committed demo model", () => {
  it("scores held-out demo patients with discrimination well above chance", () => {
    const n = 400;
    const S = model.meta.arch.imageSize;
    const imgs = new Float32Array(n * S * S), tabs = new Float32Array(n * TABULAR_DIM);
    const labels: number[][] = HEADS.map(() => []);
    for (let i = 0; i < n; i++) {
      const p = generatePatient(testSplit.seed, testSplit.offset + i);
      imgs.set(preprocessImage(imageOf(p).image, S).data, i * S * S);
      tabs.set(encodeRecord(toRecordInput(p)).vector, i * TABULAR_DIM);
      HEADS.forEach((h, j) => labels[j].push(p.labels[h]));
    }
    const probs = predictBatch(model, imgs, tabs, n);
    for (const row of probs)
      for (const v of row) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(1);
      }
    HEADS.forEach((h, j) => expect(auroc(labels[j], probs.map((r) => r[j])), h).toBeGreaterThan(0.75));
  });

  it("assess returns a valid, explained result and leaves no tensors behind", async () => {
    const p = generatePatient(testSplit.seed, testSplit.offset + 1);
    const input = { record: toRecordInput(p), image: imageOf(p, 512).image };
    await assess(input, { model });
    const start = tf.memory().numTensors;
    const r = await assess(input, { model });
    expect(tf.memory().numTensors).toBe(start);
    expect(r.path).toBe("joint");
    for (const h of HEADS) {
      const c = r.explanation.modalityContributionsByHead[h];
      expect(c.image + c.history + c.family + c.diet).toBeCloseTo(r.scores[h].probability - r.explanation.baselineProbability[h], 5);
    }
    expect(r.explanation.featureAttributions.length).toBeGreaterThan(0);
  });

  it("Grad-CAM for the lung head peaks on a planted dominant nodule far more often than chance", async () => {
    let hits = 0, tried = 0, chance = 0;
    for (let i = 0; tried < 16 && i < 2000; i++) {
      const p = generatePatient(testSplit.seed, testSplit.offset + i);
      const big = p.latent.nodules.find((n) => n.kind === "dominant" && n.diameterMm >= 15);
      if (!big) continue;
      tried++;
      const { scan, image } = imageOf(p, 128);
      const r = await assess({ record: toRecordInput(p), image }, { model });
      const sal = r.explanation.saliencyByHead!.lung_cancer_2y;
      const px = Buffer.from(sal.data, "base64");
      let arg = 0;
      for (let k = 1; k < px.length; k++) if (px[k] > px[arg]) arg = k;
      const ax = (arg % sal.width) + 0.5, ay = Math.floor(arg / sal.width) + 0.5;
      const scale = sal.width / scan.columns;
      const n = scan.nodules.find((q) => q.kind === "dominant")!;
      const radius = n.r * scale + 3; // nodule radius + 3 saliency pixels (Grad-CAM is 16×16 upsampled)
      if (Math.hypot(ax - n.x * scale, ay - n.y * scale) <= radius) hits++;
      chance += (Math.PI * radius * radius) / (sal.width * sal.height);
    }
    expect(tried).toBeGreaterThanOrEqual(8);
    // chance: the fraction of the frame the hit zone covers (~2–8%)
    expect(hits / tried).toBeGreaterThan(Math.min(0.9, 3 * (chance / tried)));
  }, 120_000);

  it("without a scan takes the flagged record-only path", async () => {
    const p = generatePatient(testSplit.seed, testSplit.offset + 2);
    const r = await assess({ record: toRecordInput(p) }, { model });
    expect(r.path).toBe("tabular_only");
    expect(r.flags).toContain("no_image_tabular_path");
    expect(r.embeddings.image).toBeNull();
    expect(r.explanation.saliency).toBeNull();
  });
});
