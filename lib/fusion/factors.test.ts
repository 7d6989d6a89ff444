import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { FusionRecordInput } from "@/lib/domain/record";
import { FEATURES, FEATURE_CLINICAL, encodeRecord, expectedDirection } from "./encoders";
import { clinicalFactors, factText, inputsOutsideTraining, readableValue, type TrainingInputs } from "./factors";

const at = (name: string) => FEATURES.findIndex((f) => f.name === name);
const diet = { recordedOn: "2026-01-01", method: "ffq" as const, energyKcal: 2175, sodiumMg: 3450, sugarsG: 85, saturatedFatG: 28.5, fibreG: 21, fruitVegServings: 4, redMeatServings: 1, alcoholUnits: 1.8 };
const base: FusionRecordInput = {
  birthDate: "1960-06-15",
  sex: "female",
  asOf: "2026-11-01",
  conditions: [
    { codeSystem: "ICD10", code: "F17.210", onsetDate: "1980-01-01", status: "active" },
    { codeSystem: "ICD10", code: "I10", onsetDate: "2016-11-01", status: "active" },
  ],
  familyHistory: [{ relationship: "father", code: "I25.10", ageAtOnset: 50, deceased: true }],
  dietRecords: [diet],
};
const zeros = () => new Float64Array(FEATURES.length);
/** training-mean-like baseline: every binary half-present, measures at 0 */
const baseline = FEATURES.map((f) => (FEATURE_CLINICAL[f.name]?.kind === "condition" || f.name === "hist.male" ? 0.5 : 0));
const bundleInputs = (v: string) => JSON.parse(readFileSync(`models/fusion-demo/${v}/inference.json`, "utf8")).trainingInputs as TrainingInputs;

describe("factor wording", () => {
  it("says clinical facts in clinical words", () => {
    expect(factText("hist.male", 0, "female", "female").text).toBe("Sex: female");
    expect(factText("hist.hypertension", 1, "yes").text).toBe("Hypertension");
    expect(factText("hist.hypertension", 0, "no")).toEqual({ text: "Hypertension: no", absent: true });
    expect(factText("hist.smoking_years", 4.65, "46.5 y").text).toBe("Smoking duration: 46.5 years");
    expect(factText("hist.age", (66 - 62.5) / 13, "66 y").text).toBe("Age: 66 years");
    expect(factText("diet.sodiumMg", 1, "4250").text).toBe("Sodium intake: 4250 mg/day");
    expect(factText("diet.sodiumMg", 0, null).text).toBe("Sodium intake: not recorded (reference value used)");
    expect(factText("fam.cad_early_onset", 1.5, "50 y").text).toBe("Earliest coronary disease in a first-degree relative: onset at 50 years");
    expect(readableValue("diet.alcoholUnits", 1)).toBe("3.8 units/day");
  });

  it("one outcome's factors: sex is one fact, counts of records are never factors, the words are the facts", () => {
    const enc = encodeRecord(base);
    const w = zeros();
    w[at("hist.male")] = -0.02; // female vs the average patient lowers cardiac risk
    w[at("hist.sex_other_unknown")] = 0.001;
    w[at("diet.records")] = 0.05; // large, but a count of records
    w[at("fam.recorded")] = 0.04;
    w[at("hist.hypertension")] = 0.03;
    const f = clinicalFactors("mace_5y", w, enc, baseline, { sex: "female" });
    const texts = f.map((x) => x.text);
    expect(texts).toEqual(["Hypertension", "Sex: female"]);
    expect(f[1].contribution).toBeCloseTo(-0.019, 6);
    expect(f[1].features).toEqual(["hist.male", "hist.sex_other_unknown"]);
    expect(texts.some((t) => /record/i.test(t))).toBe(false);
    expect(texts.some((t) => /Male sex/.test(t))).toBe(false);
  });

  it("absent conditions only where the model gives them weight", () => {
    const enc = encodeRecord(base);
    const w = zeros();
    w[at("hist.hypertension")] = 0.05;
    w[at("hist.diabetes")] = -0.0005; // absent, negligible → not shown
    w[at("hist.copd")] = -0.02; // absent, 40% of the largest → shown
    const texts = clinicalFactors("lung_cancer_2y", w, enc, baseline).map((x) => x.text);
    expect(texts).toContain("COPD / emphysema: no");
    expect(texts).not.toContain("Diabetes: no");
  });

  it("marks a learned direction against clinical knowledge (smoking duration 'lowering' cardiac risk)", () => {
    const enc = encodeRecord(base);
    const w = zeros();
    w[at("hist.smoking_years")] = -0.03;
    w[at("hist.hypertension")] = 0.02;
    const [smoke, htn] = clinicalFactors("mace_5y", w, enc, baseline);
    expect(smoke.text).toMatch(/^Smoking duration: 4\d\.\d years$/);
    expect(smoke).toMatchObject({ direction: "lowers", clinicalDirection: "raises", againstClinicalKnowledge: true });
    expect(htn).toMatchObject({ direction: "raises", clinicalDirection: "raises", againstClinicalKnowledge: false });
    // a feature without a declared direction claims nothing
    const w2 = zeros();
    w2[at("hist.asthma")] = -0.03;
    const asthma = clinicalFactors("mace_5y", w2, encodeRecord({ ...base, conditions: [{ codeSystem: "ICD10", code: "J45", onsetDate: null, status: "active" }] }), baseline)[0];
    expect(asthma).toMatchObject({ text: "Asthma", clinicalDirection: null, againstClinicalKnowledge: false });
  });

  it("every feature has a clinical declaration; expected directions apply per clinical outcome, whatever the horizon", () => {
    for (const f of FEATURES) expect(FEATURE_CLINICAL[f.name], f.name).toBeDefined();
    expect(expectedDirection("hist.smoking_years", "mace_5y")).toBe("raises");
    expect(expectedDirection("hist.smoking_years", "mace_10y")).toBe("raises");
    expect(expectedDirection("diet.fibreG", "mace_5y")).toBe("lowers");
    expect(expectedDirection("hist.asthma", "mace_5y")).toBeNull();
    expect(expectedDirection("hist.age", "stroke_5y")).toBeNull();
    expect(expectedDirection("hist.age", "macex_5y")).toBeNull();
  });
});

describe("inputs outside the training range", () => {
  const training = bundleInputs("1.1.0");

  it("the bundles record what their training cohort covered (no training patient had sex other/unknown)", () => {
    for (const v of ["1.1.0", "1.2.0"]) {
      const t = bundleInputs(v);
      expect(t.sexes).toEqual(["female", "male"]);
      expect(t.features["hist.sex_other_unknown"]).toEqual({ min: 0, max: 0 });
      expect(t.features["hist.age"].min).toBeLessThan(t.features["hist.age"].max);
    }
    expect(training.source).toMatchObject({ seed: 20261128, offset: 0, n: 10000 });
  });

  it("a record inside the range is not flagged", () => {
    expect(inputsOutsideTraining(encodeRecord(base), "female", training)).toEqual([]);
    expect(inputsOutsideTraining(encodeRecord(base), "female", null)).toEqual([]);
  });

  it("sex other/unknown: a category no training patient had", () => {
    for (const sex of ["other", "unknown"] as const) {
      const out = inputsOutsideTraining(encodeRecord({ ...base, sex }), sex, training);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ input: "Sex", value: sex, reason: "unseen_in_training", trainingRange: "female or male" });
      expect(out[0].text).toMatch(/none of the 10,000 training patients/);
    }
  });

  it("an age outside the training ages, and an intake above the training range, say which and why", () => {
    const old = inputsOutsideTraining(encodeRecord({ ...base, birthDate: "1925-01-01" }), "female", training);
    expect(old.map((o) => [o.feature, o.reason])).toEqual([["hist.age", "above_training_range"]]);
    expect(old[0].value).toBe("101 years");
    expect(old[0].trainingRange).toBe("40–85 years");
    expect(old[0].text).toMatch(/^Age 101 years is outside the range of the training patients \(40–85 years\)/);
    const young = inputsOutsideTraining(encodeRecord({ ...base, birthDate: "2000-01-01" }), "female", training);
    expect(young[0]).toMatchObject({ feature: "hist.age", reason: "below_training_range" });
    const salty = inputsOutsideTraining(encodeRecord({ ...base, dietRecords: [{ ...diet, sodiumMg: 9000 }] }), "female", training);
    expect(salty.map((o) => o.feature)).toEqual(["diet.sodiumMg"]);
  });
});
