import { describe, expect, it } from "vitest";
import { cellCount, countAnswer, minCellSize, publicCohort } from "./small-cells";
import type { CohortShape } from "./columns";

const env = (v?: string) => ({ NODE_ENV: "test", FUSION_MIN_CELL_SIZE: v }) as NodeJS.ProcessEnv;
const shape = (patients: number, rows = patients * 2): CohortShape => ({ rows, patients, models: [{ name: "m", version: "1", strategy: "joint", rows: rows - 3 }, { name: "m", version: "2", strategy: "joint", rows: 3 }], heads: ["h"], dims: { image: 2, tabular: 2, fused: 4 } });

describe("small cells", () => {
  it("threshold: default 11, a whole number ≥ 1 from FUSION_MIN_CELL_SIZE, anything else a 503", () => {
    expect(minCellSize(env())).toBe(11);
    expect(minCellSize(env(" 5 "))).toBe(5);
    for (const bad of ["0", "-3", "1.5", "eleven", "1e3", "99999999"]) expect(() => minCellSize(env(bad)), bad).toThrow(expect.objectContaining({ status: 503, code: "export_not_configured" }));
  });

  it("counts below the threshold are \"<k\"; zero is not told apart from one", () => {
    expect([0, 1, 10, 11, 500].map((n) => cellCount(n, 11))).toEqual(["<11", "<11", "<11", 11, 500]);
  });

  it("a cohort under the threshold shows nothing that depends on it; above it, small per-model counts are \"<k\"", () => {
    expect(publicCohort(shape(10, 40), 11)).toEqual({ assessments: "<11", patients: "<11", exportable: false, minCellSize: 11, models: [] });
    expect(countAnswer(shape(1), ["scores", "fused_embedding"], 11)).toEqual(countAnswer(shape(10, 30), ["scores", "fused_embedding"], 11));
    expect(publicCohort(shape(20), 11)).toMatchObject({ assessments: 40, patients: 20, exportable: true, models: [{ rows: 37 }, { rows: "<11" }] });
  });
});
