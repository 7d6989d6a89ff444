import { describe, expect, it } from "vitest";
import type { FusionRecordInput } from "@/lib/domain/record";
import { BLOCK_INDICES, ENCODER_VERSION, FEATURES, TABULAR_DIM, checkEncoderSpec, encodeRecord, encoderSpec, preprocessImage, ImagePreprocessError } from "./encoders";

const at = (name: string) => FEATURES.findIndex((f) => f.name === name);

const record: FusionRecordInput = {
  birthDate: "1960-06-15",
  sex: "male",
  asOf: "2026-11-01",
  conditions: [
    { codeSystem: "ICD10", code: "F17.210", onsetDate: "1980-01-01", status: "resolved" },
    { codeSystem: "ICD10", code: "Z87.891", onsetDate: "2010-01-01", status: "active" },
    { codeSystem: "ICD10", code: "I10", onsetDate: "2016-11-01", status: "active" },
    { codeSystem: "ICD10", code: "E11.9", onsetDate: "2030-01-01", status: "active" }, // after asOf: ignored
    { codeSystem: "ICD10", code: "K21.9", onsetDate: null, status: "active" },
  ],
  familyHistory: [
    { relationship: "father", code: "I25.10", ageAtOnset: 50, deceased: true }, // premature (male < 55)
    { relationship: "mother", code: "I25.10", ageAtOnset: 70, deceased: false }, // not premature
    { relationship: "grandfather", code: "C34.90", ageAtOnset: 70, deceased: true }, // not first degree
    { relationship: "sister", code: "C34.90", ageAtOnset: 60, deceased: false },
  ],
  dietRecords: [
    { recordedOn: "2026-01-01", method: "ffq", energyKcal: 2175, sodiumMg: 4250, sugarsG: 85, saturatedFatG: 28.5, fibreG: 21, fruitVegServings: 4, redMeatServings: 1, alcoholUnits: 1.8 },
    { recordedOn: "2026-02-01", method: "recall_24h", energyKcal: 2175, sodiumMg: 4250, sugarsG: 85, saturatedFatG: 28.5, fibreG: 21, fruitVegServings: 4, redMeatServings: 1, alcoholUnits: 1.8 },
  ],
};

describe("tabular encoders", () => {
  it("encodes history, family history and diet into documented features", () => {
    const { vector, flags } = encodeRecord(record);
    expect(vector.length).toBe(TABULAR_DIM);
    expect(vector[at("hist.age")]).toBeCloseTo((66 - 62.5) / 13, 5);
    expect(vector[at("hist.male")]).toBe(1);
    expect(vector[at("hist.smoking_current")]).toBe(0);
    expect(vector[at("hist.smoking_former")]).toBe(1);
    expect(vector[at("hist.smoking_years")]).toBeCloseTo(3.0, 1); // 1980 → 2010
    expect(vector[at("hist.years_since_quit")]).toBeCloseTo(1.68, 1);
    expect(vector[at("hist.hypertension")]).toBe(1);
    expect(vector[at("hist.hypertension_years")]).toBeCloseTo(1.0, 1);
    expect(vector[at("hist.diabetes")]).toBe(0);
    expect(vector[at("hist.other_active")]).toBeCloseTo(Math.log(2), 5);
    expect(vector[at("fam.cad_premature_first_degree")]).toBe(1);
    expect(vector[at("fam.cad_first_degree")]).toBe(2);
    expect(vector[at("fam.lung_first_degree")]).toBe(1);
    expect(vector[at("fam.lung_other")]).toBe(1);
    expect(vector[at("fam.lung_early_onset")]).toBeCloseTo(1, 5);
    expect(vector[at("diet.sodiumMg")]).toBeCloseTo(1, 5);
    expect(vector[at("diet.fibreG")]).toBeCloseTo(0, 5);
    expect(vector[at("diet.records")]).toBeCloseTo(2 / 3, 5);
    expect(flags).toEqual([]);
  });

  it("uses documented defaults and flags missing blocks", () => {
    const { vector, flags } = encodeRecord({ ...record, familyHistory: [], dietRecords: [] });
    expect(flags).toContain("diet_missing_defaults_used");
    expect(flags).toContain("family_history_empty_defaults_used");
    for (const j of BLOCK_INDICES.diet) expect(vector[j]).toBe(0);
    expect(vector[at("fam.recorded")]).toBe(0);
  });

  it("blocks partition the feature vector", () => {
    const all = [...BLOCK_INDICES.history, ...BLOCK_INDICES.family, ...BLOCK_INDICES.diet].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: TABULAR_DIM }, (_, i) => i));
  });
});

describe("image preprocessing", () => {
  const ct = (n: number, f: (x: number, y: number) => number) => {
    const d = new Float32Array(n * n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) d[y * n + x] = f(x, y);
    return { rows: n, columns: n, data: d, modality: "CT" };
  };

  it("windows, area-resizes and normalises", () => {
    const { data, flags } = preprocessImage(ct(512, (x) => (x < 256 ? -3000 : 3000)), 64);
    expect(data.length).toBe(64 * 64);
    expect(data[0]).toBeCloseTo(-1, 5);
    expect(data[63]).toBeCloseTo(1, 5);
    expect(flags).toEqual([]);
    const avg = preprocessImage(ct(128, (x, y) => ((x + y) % 2 ? 100 : -100)), 64).data;
    for (const v of avg) expect(v).toBeCloseTo(0, 5);
  });

  it("rejects colour, tiny and inconsistent images with clear errors; flags non-CT", () => {
    expect(() => preprocessImage({ ...ct(64, () => 0), samplesPerPixel: 3, photometricInterpretation: "RGB" }, 64)).toThrow(ImagePreprocessError);
    expect(() => preprocessImage(ct(8, () => 0), 64)).toThrow(/at least/);
    expect(() => preprocessImage({ ...ct(64, () => 0), rows: 65 }, 64)).toThrow(/expected/);
    expect(preprocessImage({ ...ct(64, () => 0), modality: "MR" }, 32).flags).toContain("image_not_ct");
  });
});

describe("encoder spec", () => {
  it("accepts its own spec and refuses a different version or feature list", () => {
    const spec = encoderSpec(64);
    expect(() => checkEncoderSpec(spec)).not.toThrow();
    expect(() => checkEncoderSpec({ ...spec, version: "fusion-encoders/0.9.0" })).toThrow(/different feature encoders/);
    expect(() => checkEncoderSpec({ ...spec, tabular: { ...spec.tabular, features: spec.tabular.features.slice(1) } })).toThrow(/feature list/);
    expect(spec.version).toBe(ENCODER_VERSION);
  });
});
