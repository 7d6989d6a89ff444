import { describe, expect, it, beforeAll } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { buildFusionModel, forwardLogits, DEFAULT_ARCH, type NetStrategy } from "./architecture";
import { initBackend } from "./runtime";

const base = { ...DEFAULT_ARCH, convFilters: [4, 8, 8], imageSize: 32, tabularDim: 10, heads: ["a", "b"] };

describe("architectures", () => {
  beforeAll(async () => {
    await initBackend({ order: ["cpu"] });
  });
  for (const strategy of ["joint", "early", "image_only", "tabular_only"] as NetStrategy[]) {
    it(`${strategy}: output [batch, heads]; eager stages match predict`, () => {
      const cfg = { ...base, strategy };
      const model = buildFusionModel(cfg);
      const start = tf.memory().numTensors;
      const img = strategy === "tabular_only" ? null : tf.randomNormal([3, 32, 32, 1]) as tf.Tensor4D;
      const tab = strategy === "image_only" ? null : tf.randomNormal([3, 10]) as tf.Tensor2D;
      const ins = [img, tab].filter((t): t is tf.Tensor4D | tf.Tensor2D => t !== null);
      const out = model.predict(ins.length === 1 ? ins[0] : ins) as tf.Tensor;
      expect(out.shape).toEqual([3, 2]);
      const eager = forwardLogits(cfg, model, img, tab);
      const a = out.dataSync(), b = eager.dataSync();
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
      tf.dispose([out, eager, ...ins]);
      expect(tf.memory().numTensors).toBe(start);
      expect(model.inputs.map((i) => i.name.split("_")[0])).toEqual([...(img ? ["image"] : []), ...(tab ? ["tabular"] : [])]);
      model.dispose();
    });
  }
});
