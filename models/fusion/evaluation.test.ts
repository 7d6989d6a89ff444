/** The evaluation's metrics against cases whose answer is known. */
import { describe, expect, it } from "vitest";
import { calibrationSlopeIntercept, evaluateModels, netBenefit, netBenefitTreatAll, observedExpected, pairedBootstrap } from "./evaluation";
import { mulberry32 } from "./rng";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function simulate(n: number, seed: number) {
  const r = mulberry32(seed);
  const z = Float64Array.from({ length: n }, () => r.normal(-1.5, 1.2));
  const p = Float64Array.from(z, sigmoid);
  const y = Float64Array.from(p, (q) => (r.next() < q ? 1 : 0));
  return { z, p, y };
}

describe("calibration slope and intercept", () => {
  const { z, p, y } = simulate(20000, 3);
  it("are 1 and 0 for the true probabilities", () => {
    const c = calibrationSlopeIntercept(y, p);
    expect(c.slope).toBeGreaterThan(0.93);
    expect(c.slope).toBeLessThan(1.07);
    expect(Math.abs(c.intercept)).toBeLessThan(0.05);
  });
  it("slope ≈ 0.5 for predictions twice as extreme on the logit scale; intercept < 0 for overestimated risks", () => {
    expect(calibrationSlopeIntercept(y, Float64Array.from(z, (v) => sigmoid(2 * v))).slope).toBeCloseTo(0.5, 1);
    expect(calibrationSlopeIntercept(y, Float64Array.from(z, (v) => sigmoid(v + 0.7))).intercept).toBeCloseTo(-0.7, 1);
    expect(observedExpected(y, Float64Array.from(z, (v) => sigmoid(v + 0.7)))).toBeLessThan(0.8);
  });
});

describe("net benefit", () => {
  it("follows TP/n − FP/n · t/(1 − t)", () => {
    const y = [1, 1, 0, 0, 0, 1, 0, 0, 0, 0];
    const p = [0.9, 0.4, 0.35, 0.1, 0.05, 0.05, 0.3, 0.2, 0.6, 0.01];
    // t = 0.25: positives p ≥ 0.25 → rows 0, 1, 2, 6, 8: TP 2, FP 3
    expect(netBenefit(y, p, 0.25)).toBeCloseTo(2 / 10 - (3 / 10) * (0.25 / 0.75), 12);
    expect(netBenefitTreatAll(y, 0.25)).toBeCloseTo(0.3 - 0.7 * (1 / 3), 12);
  });
});

describe("paired patient-level bootstrap", () => {
  const { p, y } = simulate(600, 5);
  const patients = Array.from({ length: 600 }, (_, i) => `p${Math.floor(i / 2)}`); // two rows per patient
  const rows = Array.from({ length: 600 }, (_, i) => i);
  const noisy = Float64Array.from(p, (q, i) => sigmoid(Math.log(q / (1 - q)) + (i % 7) * 0.3 - 0.9));
  it("is deterministic for a seed, gives CIs around the estimate and paired differences", () => {
    const a = pairedBootstrap({ y, patients, rows, preds: { good: p, noisy }, thresholds: [0.1, 0.2], primary: "good", B: 100, seed: 1 });
    const b = pairedBootstrap({ y, patients, rows, preds: { good: p, noisy }, thresholds: [0.1, 0.2], primary: "good", B: 100, seed: 1 });
    expect(a).toEqual(b);
    for (const m of ["auroc", "auprc", "brier", "ece", "calibrationSlope", "calibrationIntercept", "oe", "nb@0.1"]) {
      const e = a.metrics.good[m];
      expect(e.lo, m).toBeLessThanOrEqual(e.value + 1e-9);
      expect(e.hi, m).toBeGreaterThanOrEqual(e.value - 1e-9);
    }
    expect(a.diffs.noisy.auroc.value).toBeCloseTo(a.metrics.good.auroc.value - a.metrics.noisy.auroc.value, 12);
    expect(a.diffs.noisy.auroc.lo).toBeGreaterThan(0); // the true risk beats a distorted copy of itself
  });

  it("reports subgroups that partition the rows, and observed/expected per subgroup", () => {
    const labels = Float32Array.from(y);
    const r = evaluateModels({
      heads: ["h"],
      labels,
      patients,
      sex: rows.map((i) => (i % 3 === 0 ? "female" : "male")),
      age: rows.map((i) => 40 + (i % 50)),
      smoking: rows.map((i) => (["never", "former", "current"] as const)[i % 3]),
      rows,
      preds: { good: p, noisy },
      primary: "good",
      B: 40,
      subgroupB: 20,
    });
    const h = r.heads[0];
    for (const v of ["sex", "age band", "smoking"]) expect(h.subgroups.filter((s) => s.variable === v).reduce((s, g) => s + g.n, 0)).toBe(600);
    expect(h.subgroups.filter((s) => s.variable === "age band").map((s) => s.level)).toEqual(["<50", "50–59", "60–69", "70–79", "≥80"]);
    expect(h.subgroups.every((s) => Number.isFinite(s.metrics.oe.value))).toBe(true);
    expect(h.curves.decision.models.good.length).toBe(h.curves.decision.thresholds.length);
  });
});
