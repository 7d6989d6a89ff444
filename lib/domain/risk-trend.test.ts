import { describe, expect, it } from "vitest";
import { isoDay, riskTrend, trendBasis } from "./risk-trend";
import type { AssessmentView } from "./assessment";

// only the fields the trend reads; the rest of the view does not matter here
const view = (over: Partial<AssessmentView>): AssessmentView => ({
  id: crypto.randomUUID(), patientId: crypto.randomUUID(), scanId: null, modelName: "fusion-demo", modelVersion: "1.1.0", strategy: "joint",
  status: "done", error: null, flags: [], createdAt: "2026-01-01T00:00:00.000Z", completedAt: null, scores: [], modalityContributions: [],
  explainedHead: null, featureAttributions: [], hasSaliency: false, imageCheck: null, notices: [], timings: {} as AssessmentView["timings"], resultError: null,
  ...over,
}) as unknown as AssessmentView;
const score = (head: string, p: number, category: "low" | "moderate" | "high" = "low") => ({ head, label: head, shortLabel: head, probability: p, interval: [p, p] as [number, number], category, categories: null });

describe("riskTrend", () => {
  const ct = crypto.randomUUID();
  const ot = crypto.randomUUID();
  const history = [
    view({ scanId: ct, strategy: "joint", completedAt: "2026-12-02T23:30:00.000Z", scores: [score("b", 0.5, "high"), score("a", 0.1234)] }),
    view({ scanId: ot, strategy: "tabular_only", completedAt: "2026-03-04T10:00:00.000Z", scores: [score("a", 0.05)] }),
    view({ scanId: null, strategy: "tabular_only", createdAt: "2025-01-01T00:00:00.000Z", scores: [score("a", 0.02)] }),
    view({ status: "failed", scores: [score("a", 0.9)] }),
    view({ status: "queued" }),
  ];
  const series = riskTrend(history, { [ct]: "CT", [ot]: "OT" }, { a: { moderateFrom: 0.1, highFrom: 0.3 } });

  it("one series per outcome, oldest point first, finished assessments only", () => {
    expect(series.map((s) => s.head)).toEqual(["a", "b"]);
    expect(series[0].points.map((p) => p.date)).toEqual(["2025-01-01", "2026-03-04", "2026-12-02"]);
    expect(series[1].points).toHaveLength(1);
  });
  it("marks each point with the scan's modality and whether the image was used", () => {
    expect(series[0].points.map((p) => [p.modality, p.basis])).toEqual([[null, "record-only"], ["OT", "record-only"], ["CT", "joint"]]);
    expect(series[0].points[2].percent).toBe(12.3);
  });
  it("carries the outcome's category bands when known", () => {
    expect(series[0].bands).toEqual({ moderateFrom: 0.1, highFrom: 0.3 });
    expect(series[1].bands).toBeNull();
  });
  it("dates are ISO calendar days in UTC", () => {
    expect(isoDay(Date.UTC(2026, 11, 2, 23, 59))).toBe("2026-12-02");
    expect(trendBasis({ scanId: null, strategy: "joint" })).toBe("record-only");
  });
});
