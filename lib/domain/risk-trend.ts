import type { AssessmentView } from "./assessment";
import type { CategoryThresholds, RiskCategory } from "./outcomes";

/**
 * The risk trend of a record (issue 16): per outcome, its calibrated probability over time — one
 * series per outcome, oldest first — each point saying what it rests on: the scan's modality (or
 * none) and whether the image was used (joint fusion) or the score rests on the record alone. Pure:
 * the record page builds it from the assessments it already has.
 */
export type TrendBasis = "joint" | "record-only";
export type TrendPoint = {
  /** epoch ms of completion (or creation), for the time axis */
  t: number;
  /** the same instant as an unambiguous calendar date, UTC: 2026-12-02 */
  date: string;
  /** 0–100, one decimal */
  percent: number;
  category: RiskCategory;
  /** the scan's modality (CT, MR, OT, …); null for an assessment without a scan */
  modality: string | null;
  basis: TrendBasis;
  model: string;
  assessmentId: string;
};
export type TrendSeries = { head: string; label: string; shortLabel: string; points: TrendPoint[]; bands: CategoryThresholds | null };

export const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Image used → joint; tabular-only (no scan, or a scan the model could not use) → record only. */
export const trendBasis = (a: Pick<AssessmentView, "strategy" | "scanId">): TrendBasis => (a.scanId && a.strategy !== "tabular_only" ? "joint" : "record-only");

export function riskTrend(
  history: AssessmentView[],
  modalityOf: Record<string, string>,
  bands: Record<string, CategoryThresholds> = {},
): TrendSeries[] {
  const done = history
    .filter((a) => a.status === "done" && a.scores.length && !a.resultError)
    .map((a) => ({ a, t: new Date(a.completedAt ?? a.createdAt).getTime() }))
    .sort((x, y) => x.t - y.t);
  const series = new Map<string, TrendSeries>();
  for (const { a, t } of done) {
    for (const s of a.scores) {
      let ser = series.get(s.head);
      if (!ser) series.set(s.head, (ser = { head: s.head, label: s.label, shortLabel: s.shortLabel, points: [], bands: bands[s.head] ?? s.categories ?? null }));
      ser.points.push({
        t,
        date: isoDay(t),
        percent: Math.round(s.probability * 1000) / 10,
        category: s.category,
        modality: a.scanId ? (modalityOf[a.scanId] ?? null) : null,
        basis: trendBasis(a),
        model: `${a.modelName} ${a.modelVersion}`,
        assessmentId: a.id,
      });
    }
  }
  return [...series.values()].sort((x, y) => x.head.localeCompare(y.head));
}
