import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { encodeRecord, FEATURES } from "@/lib/fusion/encoders";
import { generatePatient, toRecordInput } from "./cohort";
import { trainingInputRanges, trainingInputsFromRows } from "./training-inputs";

describe("training input ranges", () => {
  const source = { generator: "models/fusion/cohort.ts", seed: 20261128, offset: 0, n: 300 };

  it("from the generator and from encoded rows agree", () => {
    const a = trainingInputRanges(source);
    const D = FEATURES.length;
    const tab = new Float32Array(source.n * D);
    for (let i = 0; i < source.n; i++) tab.set(encodeRecord(toRecordInput(generatePatient(source.seed, i))).vector, i * D);
    const b = trainingInputsFromRows(tab, Array.from({ length: source.n }, (_, i) => i), source);
    expect(b.sexes).toEqual(a.sexes);
    for (const f of FEATURES) {
      expect(b.features[f.name].min, f.name).toBeCloseTo(a.features[f.name].min, 5);
      expect(b.features[f.name].max, f.name).toBeCloseTo(a.features[f.name].max, 5);
    }
  });

  it("the active bundle's recorded ranges are the generator's over its training split (first 300 records within them)", () => {
    const recorded = JSON.parse(readFileSync("models/fusion-demo/1.1.0/inference.json", "utf8")).trainingInputs;
    const some = trainingInputRanges(source);
    for (const f of FEATURES) {
      expect(some.features[f.name].min).toBeGreaterThanOrEqual(recorded.features[f.name].min - 1e-6);
      expect(some.features[f.name].max).toBeLessThanOrEqual(recorded.features[f.name].max + 1e-6);
    }
    expect(recorded.source).toEqual({ generator: "models/fusion/cohort.ts", seed: 20261128, offset: 0, n: 10000 });
  });
});
