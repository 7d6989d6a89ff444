import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { checkImage, loadOodReference, mahalanobis, oodRuntime, type OodReference } from "./ood";

const f32b64 = (xs: number[]) => Buffer.from(new Float32Array(xs).buffer).toString("base64");
const ref = (over: Partial<OodReference> = {}): OodReference => ({
  method: "mahalanobis",
  layer: "img_pool",
  dim: 2,
  mean: [1, 2],
  precisionBase64: f32b64([4, 0, 0, 1]), // variances 1/4 and 1
  threshold: 3,
  thresholdQuantile: 0.995,
  shrinkage: 0,
  fittedOn: { generator: "test", seed: 1, offset: 0, n: 10 },
  thresholdFrom: { seed: 1, offset: 10, n: 10 },
  evaluation: {},
  ...over,
});

describe("mahalanobis", () => {
  it("with the identity precision it is the Euclidean distance to the mean", () => {
    const rt = { mean: Float64Array.from([0, 0, 0]), precision: Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]) };
    expect(mahalanobis(rt, [3, 4, 0])).toBeCloseTo(5, 12);
  });
  it("scales each direction by its precision and uses the off-diagonal terms", () => {
    const rt = oodRuntime(ref());
    expect(mahalanobis(rt, [2, 2])).toBeCloseTo(2, 6); // sqrt(4·1²)
    expect(mahalanobis(rt, [1, 5])).toBeCloseTo(3, 6); // sqrt(1·3²)
    const corr = { mean: Float64Array.from([0, 0]), precision: Float64Array.from([2, -1, -1, 2]) };
    expect(mahalanobis(corr, [1, 1])).toBeCloseTo(Math.sqrt(2), 12); // 2 − 1 − 1 + 2
    expect(mahalanobis(corr, [1, -1])).toBeCloseTo(Math.sqrt(6), 12);
  });
  it("refuses a feature vector of the wrong length", () => {
    expect(() => mahalanobis(oodRuntime(ref()), [1, 2, 3])).toThrow(/expected 2 features, got 3/);
  });
});

describe("checkImage", () => {
  it("is in distribution up to the threshold, out beyond it", () => {
    const rt = oodRuntime(ref());
    expect(checkImage(rt, [1, 4])).toMatchObject({ inDistribution: true, distance: 2, threshold: 3 });
    expect(checkImage(rt, [1, 5.5])).toMatchObject({ inDistribution: false });
  });
});

describe("loadOodReference", () => {
  it("returns null for a bundle without ood.json, the runtime for a valid one, and a clear error for a broken one", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "ood-"));
    try {
      expect(await loadOodReference(dir)).toBeNull();
      await writeFile(path.join(dir, "ood.json"), JSON.stringify(ref()));
      expect((await loadOodReference(dir))!.ref.threshold).toBe(3);
      await writeFile(path.join(dir, "ood.json"), JSON.stringify(ref({ precisionBase64: f32b64([1, 0, 0]) })));
      await expect(loadOodReference(dir)).rejects.toThrow(/inconsistent: dim 2, mean 2, precision 3/);
      await writeFile(path.join(dir, "ood.json"), JSON.stringify({ ...ref(), threshold: -1 }));
      await expect(loadOodReference(dir)).rejects.toThrow(/not a valid out-of-distribution reference/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
