/**
 * The served model's image out-of-distribution check (lib/fusion/ood.ts, fitted by ood-fit.ts):
 * held-out synthetic chest slices pass, a real CT that is not a chest slice (pydicom's CT_small)
 * and images no chest CT looks like are not used, and the assessment says so. Also fits a small
 * reference from scratch to show the fit separates the two.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { assess, defaultModelDir, loadFusionModel, preprocessImage, type FusionModel } from "@/lib/fusion";
import { checkImage, mahalanobis, oodRuntime } from "@/lib/fusion/ood";
import { decodeFrame, parseDicom } from "@/lib/dicom";
import { pydicomFile } from "@/test/fixtures/pydicom";
import { generatePatient, toRecordInput } from "./cohort";
import { fitOodReference, pooledFeatures, syntheticImage, SYNTHETIC_OOD, type SplitRange } from "./ood-fit";

let model: FusionModel;
let splits: Record<"train" | "val" | "test", SplitRange>;

beforeAll(async () => {
  const dir = defaultModelDir();
  model = await loadFusionModel(dir);
  splits = JSON.parse(readFileSync(path.join(dir, "training.json"), "utf8")).cohort.splits;
}, 60_000);
afterAll(() => model?.dispose());

async function ctSmall() {
  const parsed = parseDicom(new Uint8Array(readFileSync(pydicomFile("CT_small.dcm"))));
  const f = await decodeFrame(parsed, 0);
  return { rows: f.rows, columns: f.columns, data: f.data, modality: "CT" };
}

describe("served model: image out-of-distribution check", () => {
  it("ships a reference and passes held-out synthetic chest slices it was not fitted or thresholded on", () => {
    expect(model.ood, "models/fusion-demo/<active>/ood.json is missing: run npm run ood:fit").not.toBeNull();
    const S = model.meta.arch.imageSize;
    // test-split patients beyond the 1,000 the fit evaluated on
    const n = 60;
    const images = new Float32Array(n * S * S);
    for (let i = 0; i < n; i++) images.set(preprocessImage(syntheticImage(generatePatient(splits.test.seed, splits.test.offset + 2000 + i), S), S).data, i * S * S);
    const passed = pooledFeatures(model, images, n).filter((f) => checkImage(model.ood!, f).inDistribution).length;
    expect(passed).toBeGreaterThanOrEqual(n - 1);
  });

  it("a real CT that is not a chest phantom is not used: record-only path, flagged, with its distance", async () => {
    const p = generatePatient(splits.test.seed, splits.test.offset + 3);
    const r = await assess({ record: toRecordInput(p), image: await ctSmall() }, { model });
    expect(r.path).toBe("tabular_only");
    expect(r.flags).toEqual(expect.arrayContaining(["image_out_of_distribution", "image_not_used_tabular_path"]));
    expect(r.flags).not.toContain("no_image_tabular_path");
    const c = r.explanation.imageCheck!;
    expect(c.inDistribution).toBe(false);
    expect(c.distance).toBeGreaterThan(c.threshold);
    expect(r.explanation.saliency).toBeNull();
    expect(r.embeddings.image).toBeNull();
  });

  it("the same patient's own synthetic slice is used, with the check recorded", async () => {
    const p = generatePatient(splits.test.seed, splits.test.offset + 3);
    const r = await assess({ record: toRecordInput(p), image: syntheticImage(p, 256) }, { model });
    expect(r.path).toBe("joint");
    expect(r.explanation.imageCheck).toMatchObject({ inDistribution: true });
    expect(r.flags).not.toContain("image_out_of_distribution");
  });

  it("a small reference fitted from scratch separates synthetic slices from images no chest CT looks like", async () => {
    const ref = await fitOodReference(model, {
      fit: { ...splits.train, n: 300 },
      threshold: { ...splits.val, n: 200 },
      test: { ...splits.test, n: 100 },
      quantile: 0.99,
      shrinkage: 0.05,
      nPerTransform: 20,
    });
    expect(ref.dim).toBe(model.ood!.ref.dim);
    const ev = ref.evaluation as Record<string, { flagged: number }>;
    expect(ev["in distribution: synthetic test split (false alarms)"].flagged).toBeLessThanOrEqual(0.05);
    const flagged = (name: string) => {
      expect(SYNTHETIC_OOD[name], name).toBeDefined();
      return ev[`out of distribution: ${name}`].flagged;
    };
    for (const name of ["uniform water (0 HU)", "noise (uniform −1000…1000 HU)", "display values mistaken for HU ((HU + 1024) / 8)"]) expect(flagged(name), name).toBe(1);
    // a rotated phantom is still a phantom: the small fit catches most, not all (the served fit: ~98%)
    expect(flagged("rotated 90°")).toBeGreaterThanOrEqual(0.6);
    const S = model.meta.arch.imageSize;
    const [real] = pooledFeatures(model, preprocessImage(await ctSmall(), S).data, 1);
    expect(mahalanobis(oodRuntime(ref), real)).toBeGreaterThan(ref.threshold);
  }, 60_000);
});
