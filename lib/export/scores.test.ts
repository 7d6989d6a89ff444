// Score columns read the stored scores with the stored-assessment schema: a head's four cells come
// from its HeadScore, and a stored score that does not match the schema leaves them empty rather
// than being guessed at (an interval stored as an object, a category outside low/moderate/high).
import { describe, expect, it } from "vitest";
import { buildColumns, makeRowEncoder, type CohortShape, type SourceRow } from "./columns";

const shape: CohortShape = { rows: 1, patients: 1, models: [{ name: "m", version: "1", strategy: "joint", rows: 1 }], heads: ["a_2y", "b_5y"], dims: { image: 0, tabular: 0, fused: 0 } };
const base: SourceRow = {
  id: "i", patientId: "p", modelName: "m", modelVersion: "1", strategy: "joint", year: 2025, age: 60, asOf: "2025-01-01", sex: "female",
  modality: null, bodyPart: null, rows: null, columns: null, frames: null, photometric: null, transferSyntax: null, scores: null, embImage: null, embTabular: null, embFused: null,
};
const ctx = { rowKey: () => "K", pseudonym: () => "P", record: () => undefined, today: "2026-01-01" };
const cells = (scores: unknown) => {
  const cols = buildColumns(shape, ["scores"]);
  const row = makeRowEncoder(shape, ["scores"])({ ...base, scores }, ctx);
  return Object.fromEntries(cols.map((c, i) => [c.name, row[i]]).filter(([n]) => String(n).startsWith("score_")));
};

describe("score columns", () => {
  it("take probability, interval bounds and category from each head's stored score", () => {
    expect(cells({ a_2y: { probability: 0.3, interval: [0.2, 0.4], category: "high" }, b_5y: { probability: 0.01, interval: [0.005, 0.02], category: "low" } })).toEqual({
      score_a_2y_probability: 0.3, score_a_2y_lower: 0.2, score_a_2y_upper: 0.4, score_a_2y_category: "high",
      score_b_5y_probability: 0.01, score_b_5y_lower: 0.005, score_b_5y_upper: 0.02, score_b_5y_category: "low",
    });
  });

  it("leave a head empty when its stored score does not match the schema, or it has none", () => {
    const c = cells({ a_2y: { probability: 0.3, interval: { lower: 0.2, upper: 0.4 }, category: "high" }, b_5y: { probability: 0.3, interval: [0.2, 0.4], category: "unknown" } });
    expect(Object.values(c)).toEqual(new Array(8).fill(null));
    expect(Object.values(cells(null))).toEqual(new Array(8).fill(null));
  });
});
