// The stored-assessment schema: what the worker may write into an Assessment row. A complete,
// consistent result passes; each kind of junk is refused with the path that is wrong.
import { describe, expect, it } from "vitest";
import { StoredAssessment, StoredAssessmentSummary, describeIssues, toStoredAssessment, type AssessmentResult } from "./assessment";
import { categoryFor } from "./outcomes";
import { attribution, storedAssessment } from "@/test/support/stored-assessment";

const good = storedAssessment({ contributions: { image: 0.02, history: 0.01 }, featureAttributions: [attribution("hist.smoking_years", "Smoking duration", 0.03, "3.5")] });
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const clone = () => structuredClone(good) as unknown as { [k: string]: Json };
/** `v` with the value at `path` replaced (or removed, for DELETE). */
const DELETE = Symbol("delete");
function spoilt(path: (string | number)[], value: Json | typeof DELETE) {
  const v = clone();
  let o = v as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === DELETE) delete o[last];
  else o[last] = value;
  return v;
}
const problems = (v: unknown) => {
  const r = StoredAssessment.safeParse(v);
  return r.success ? "" : describeIssues(r.error, 10);
};

describe("StoredAssessment", () => {
  it("takes a complete joint result and a record-only one", () => {
    expect(problems(good)).toBe("");
    expect(problems(storedAssessment({ path: "tabular_only" }))).toBe("");
  });

  const contributions = good.explanation.modalityContributions;
  it.each([
    ["a probability that is not a number", ["scores", "lung_cancer_2y", "probability"], Number.NaN, "scores.lung_cancer_2y.probability"],
    ["a probability above 1", ["scores", "mace_5y", "probability"], 1.2, "scores.mace_5y.probability"],
    ["an interval that leaves out its probability", ["scores", "lung_cancer_2y", "interval"], [0.2, 0.3], "scores.lung_cancer_2y.interval: the interval does not contain the probability"],
    ["a category that is not low, moderate or high", ["scores", "lung_cancer_2y", "category"], "unknown", "scores.lung_cancer_2y.category"],
    ["no head at all", ["scores"], {}, "scores: no head was scored"],
    ["a head id that is not an identifier", ["scores", "Lung cancer"], good.scores.mace_5y, "scores.Lung cancer"],
    ["contributions of a head that was not scored", ["explanation", "modalityContributionsByHead", "stroke_1y"], contributions, "explanation.modalityContributionsByHead.stroke_1y: stroke_1y is not a scored head"],
    ["a missing modality group", ["explanation", "modalityContributions", "diet"], DELETE, "explanation.modalityContributions.diet"],
    ["an explained head that was not scored", ["explanation", "modalityContributionsHead"], "stroke_1y", "explanation.modalityContributionsHead"],
    ["a saliency map whose data is not width×height bytes", ["explanation", "saliency", "width"], 3, "explanation.saliency: data is not 3×2 bytes"],
    ["an attribution without a direction", ["explanation", "featureAttributions", 0, "direction"], DELETE, "explanation.featureAttributions.0.direction"],
    ["no imageCheck (null when nothing was checked)", ["explanation", "imageCheck"], DELETE, "explanation.imageCheck"],
    ["a field nobody declared", ["explanation", "note"], "free text", 'explanation: Unrecognized key: "note"'],
    ["an embedding with a non-number", ["embeddings", "fused"], [1, null], "embeddings.fused.1"],
    ["the record-only path stored as joint", ["explanation", "path"], "tabular_only", "strategy: the record-only path ran"],
    ["a negative stage time", ["timings", "forward"], -1, "timings.forward"],
  ] as [string, (string | number)[], Json | typeof DELETE, string][])("refuses %s", (_what, path, value, where) => {
    expect(problems(spoilt(path, value))).toContain(where);
  });

  it("the list projection (no embeddings, no saliency maps) is checked the same way", () => {
    const { embeddings: _e, ...row } = good;
    const { saliency: _s, saliencyByHead: _b, ...explanation } = row.explanation;
    expect(StoredAssessmentSummary.safeParse({ ...row, explanation }).success).toBe(true);
    expect(StoredAssessmentSummary.safeParse({ ...row, explanation: { ...explanation, modalityContributionsHead: "x_1y" } }).success).toBe(false);
  });

  it("toStoredAssessment files lib/fusion's provenance under the explanation and names the record-only strategy", () => {
    const { path, intervalMethod, backend, headLabels: _h, ...explanation } = good.explanation;
    const result: AssessmentResult = { modelName: "m", modelVersion: "1", strategy: "joint", backend, path: "tabular_only", intervalMethod, scores: good.scores, embeddings: { ...good.embeddings, image: null, fused: null }, explanation: { ...explanation, saliency: null, saliencyByHead: undefined }, timings: { forward: 1 }, flags: ["no_image"] };
    const stored = toStoredAssessment(result);
    expect(path).toBe("joint");
    expect(stored.strategy).toBe("tabular_only");
    expect(stored.explanation).toMatchObject({ path: "tabular_only", intervalMethod, backend });
    expect(problems(JSON.parse(JSON.stringify(stored)))).toBe("");
  });
});

describe("categoryFor", () => {
  it("moderate and high begin at their thresholds (inclusive)", () => {
    const t = { moderateFrom: 0.05, highFrom: 0.2 };
    expect([0, 0.0499, 0.05, 0.1999, 0.2, 1].map((p) => categoryFor(p, t))).toEqual(["low", "low", "moderate", "moderate", "high", "high"]);
  });
});
