/**
 * Evaluation a reviewer can check: for every model on the same held-out patients, per head —
 * discrimination (AUROC, AUPRC), overall accuracy (Brier), calibration (ECE, calibration slope and
 * intercept, observed/expected ratio) and clinical usefulness (decision-curve net benefit at
 * thresholds chosen per head), each with a percentile bootstrap 95% CI over **patients** (all rows
 * of a resampled patient go together), paired: every model is scored on the same resamples, so
 * differences (primary − each comparator) get their own CIs. The same metrics per subgroup (sex,
 * age band, smoking status), for the primary model.
 *
 * Definitions (Van Calster et al., "Calibration: the Achilles heel of predictive analytics", BMC
 * Med 2019; Vickers & Elkin, Med Decis Making 2006):
 *   calibration slope      b in logit P(y) = a + b · logit(p)          (ideal 1; < 1 too extreme)
 *   calibration intercept  a in logit P(y) = a + logit(p) (offset)     (ideal 0; < 0 overestimates)
 *   O/E                    Σ y / Σ p                                    (ideal 1)
 *   net benefit at t       TP/n − FP/n · t / (1 − t), positive = p ≥ t; treat-all and treat-none
 *                          (0) are the references
 *   ECE                    10 equal-width bins, weighted |mean p − observed|
 * Rows whose label is unknown (follow-up incomplete) are left out of that head's evaluation.
 */
import { auprc, auroc, brier, ece, rocCurve, type Estimate } from "./metrics";
import { mulberry32 } from "./rng";

export type { Estimate } from "./metrics";

export const EVAL_METRICS = ["auroc", "auprc", "brier", "ece", "calibrationSlope", "calibrationIntercept", "oe"] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

/** Decision thresholds per head: the range a clinician might act on, and the risk-category cut-offs. */
export type HeadDecision = { thresholds: number[]; categories?: [number, number] };

/**
 * Default decision thresholds. lung_cancer_2y: 1–20% (from "would consider a CT / referral" to
 * "would biopsy"); mace_5y: 2.5–30% (statin / risk-factor treatment decisions are usually made
 * between 5 and 20%); any other head: 5–50%.
 */
export const DEFAULT_DECISIONS: Record<string, HeadDecision> = {
  lung_cancer_2y: { thresholds: [0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2], categories: [0.03, 0.1] },
  mace_5y: { thresholds: [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3], categories: [0.075, 0.2] },
};
export const GENERIC_DECISION: HeadDecision = { thresholds: [0.05, 0.1, 0.2, 0.3, 0.4, 0.5] };
export const decisionFor = (head: string): HeadDecision => DEFAULT_DECISIONS[head] ?? GENERIC_DECISION;

const clip = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
const logit = (p: number) => Math.log(clip(p) / (1 - clip(p)));

/** Logistic recalibration: slope (a + b·logit p) and intercept (a + offset logit p), by Newton. */
export function calibrationSlopeIntercept(y: ArrayLike<number>, p: ArrayLike<number>): { slope: number; intercept: number } {
  const n = y.length;
  const z = Float64Array.from({ length: n }, (_, i) => logit(p[i]));
  let a = 0, b = 1, converged = false;
  for (let it = 0; it < 50; it++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    for (let i = 0; i < n; i++) {
      const q = 1 / (1 + Math.exp(-(a + b * z[i])));
      const e = q - y[i], v = Math.max(q * (1 - q), 1e-12);
      g0 += e;
      g1 += e * z[i];
      h00 += v;
      h01 += v * z[i];
      h11 += v * z[i] * z[i];
    }
    const det = h00 * h11 - h01 * h01;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) {
      converged = true;
      break;
    }
  }
  // predictions that separate the outcomes perfectly (small resamples) have no finite slope
  if (!converged || !Number.isFinite(b) || Math.abs(b) > 50) b = NaN;
  let c = 0, cConverged = false;
  for (let it = 0; it < 100; it++) {
    let g = 0, h = 0;
    for (let i = 0; i < n; i++) {
      const q = 1 / (1 + Math.exp(-(c + z[i])));
      g += q - y[i];
      h += Math.max(q * (1 - q), 1e-12);
    }
    const d = Math.max(-2, Math.min(2, g / h));
    c -= d;
    if (Math.abs(d) < 1e-10) {
      cConverged = true;
      break;
    }
  }
  return { slope: b, intercept: cConverged ? c : NaN };
}

export function observedExpected(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let o = 0, e = 0;
  for (let i = 0; i < y.length; i++) {
    o += y[i];
    e += p[i];
  }
  return e > 0 ? o / e : NaN;
}

export function netBenefit(y: ArrayLike<number>, p: ArrayLike<number>, t: number): number {
  let tp = 0, fp = 0;
  for (let i = 0; i < y.length; i++)
    if (p[i] >= t) {
      if (y[i] === 1) tp++;
      else fp++;
    }
  return tp / y.length - (fp / y.length) * (t / (1 - t));
}

export function netBenefitTreatAll(y: ArrayLike<number>, t: number): number {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const prev = pos / y.length;
  return prev - (1 - prev) * (t / (1 - t));
}

function allMetrics(y: ArrayLike<number>, p: ArrayLike<number>, thresholds: readonly number[]): Record<string, number> {
  const { slope, intercept } = calibrationSlopeIntercept(y, p);
  const out: Record<string, number> = { auroc: auroc(y, p), auprc: auprc(y, p), brier: brier(y, p), ece: ece(y, p), calibrationSlope: slope, calibrationIntercept: intercept, oe: observedExpected(y, p) };
  for (const t of thresholds) out[`nb@${t}`] = netBenefit(y, p, t);
  return out;
}

/** Calibration curve over tenths of the predicted risk (equal counts: readable at low prevalence). */
export function calibrationDeciles(y: ArrayLike<number>, p: ArrayLike<number>, groups = 10): { meanPred: number; observed: number; n: number }[] {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  const out = [];
  for (let g = 0; g < groups; g++) {
    const part = idx.slice(Math.floor((g * idx.length) / groups), Math.floor(((g + 1) * idx.length) / groups));
    if (!part.length) continue;
    out.push({ meanPred: part.reduce((s, i) => s + p[i], 0) / part.length, observed: part.reduce((s, i) => s + y[i], 0) / part.length, n: part.length });
  }
  return out;
}

function percentile(xs: number[], q: number): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
}

/** Rows grouped by patient, for the cluster bootstrap. */
function clusters(patients: readonly string[], rows: readonly number[]): number[][] {
  const m = new Map<string, number[]>();
  rows.forEach((i) => {
    const k = patients[i];
    const g = m.get(k);
    if (g) g.push(i);
    else m.set(k, [i]);
  });
  return [...m.values()];
}

export type MetricSet = Record<string, Estimate>;

/**
 * Paired patient-level bootstrap of every metric for every model (predictions indexed by row
 * position in `rows`). Returns estimates per model and primary − other differences.
 */
export function pairedBootstrap(o: {
  y: ArrayLike<number>; // per position in rows
  patients: readonly string[]; // per snapshot row
  rows: readonly number[];
  preds: Record<string, ArrayLike<number>>; // per position in rows
  thresholds: readonly number[];
  primary?: string;
  B: number;
  seed: number;
  withTreatAll?: boolean;
}): { metrics: Record<string, MetricSet>; diffs: Record<string, MetricSet>; treatAll: Record<string, Estimate> } {
  const names = Object.keys(o.preds);
  const pos = new Map<number, number>();
  o.rows.forEach((r, k) => pos.set(r, k));
  const groups = clusters(o.patients, o.rows).map((g) => g.map((r) => pos.get(r)!));
  const value: Record<string, Record<string, number>> = {};
  for (const k of names) value[k] = allMetrics(o.y, o.preds[k], o.thresholds);
  const taValue: Record<string, number> = {};
  for (const t of o.thresholds) taValue[`nb@${t}`] = netBenefitTreatAll(o.y, t);
  const samples: Record<string, Record<string, number[]>> = {};
  const diffSamples: Record<string, Record<string, number[]>> = {};
  const taSamples: Record<string, number[]> = {};
  const keys = Object.keys(value[names[0]]);
  for (const k of names) samples[k] = Object.fromEntries(keys.map((m) => [m, [] as number[]]));
  const others = o.primary ? names.filter((k) => k !== o.primary) : [];
  for (const k of others) diffSamples[k] = Object.fromEntries(keys.map((m) => [m, [] as number[]]));
  for (const t of keys.filter((m) => m.startsWith("nb@"))) taSamples[t] = [];
  const rng = mulberry32(o.seed >>> 0);
  for (let b = 0; b < o.B; b++) {
    const ix: number[] = [];
    for (let g = 0; g < groups.length; g++) for (const r of groups[Math.floor(rng.next() * groups.length)]) ix.push(r);
    const yb = Float64Array.from(ix, (i) => o.y[i]);
    const m: Record<string, Record<string, number>> = {};
    for (const k of names) {
      const p = o.preds[k];
      m[k] = allMetrics(yb, Float64Array.from(ix, (i) => p[i]), o.thresholds);
      for (const key of keys) samples[k][key].push(m[k][key]);
    }
    for (const k of others) for (const key of keys) diffSamples[k][key].push(m[o.primary!][key] - m[k][key]);
    if (o.withTreatAll !== false) for (const t of o.thresholds) taSamples[`nb@${t}`].push(netBenefitTreatAll(yb, t));
  }
  const est = (v: number, xs: number[]): Estimate => ({ value: v, lo: percentile(xs, 0.025), hi: percentile(xs, 0.975) });
  const metrics: Record<string, MetricSet> = {};
  for (const k of names) metrics[k] = Object.fromEntries(keys.map((key) => [key, est(value[k][key], samples[k][key])]));
  const diffs: Record<string, MetricSet> = {};
  for (const k of others) diffs[k] = Object.fromEntries(keys.map((key) => [key, est(value[o.primary!][key] - value[k][key], diffSamples[k][key])]));
  const treatAll: Record<string, Estimate> = {};
  for (const t of Object.keys(taSamples)) treatAll[t] = est(taValue[t], taSamples[t]);
  return { metrics, diffs, treatAll };
}

// ------------------------------------------------------------------------------------------------
// Subgroups

export const AGE_BANDS: [string, number, number][] = [
  ["<50", -Infinity, 50],
  ["50–59", 50, 60],
  ["60–69", 60, 70],
  ["70–79", 70, 80],
  ["≥80", 80, Infinity],
];
export const ageBand = (age: number | null) => (age == null ? null : (AGE_BANDS.find(([, lo, hi]) => age >= lo && age < hi)?.[0] ?? null));

export type SubgroupRow = { variable: string; level: string; n: number; events: number; metrics: MetricSet };

export type HeadReport = {
  head: string;
  n: number;
  patients: number;
  events: number;
  prevalence: number;
  thresholds: number[];
  categories: [number, number] | null;
  metrics: Record<string, MetricSet>;
  /** primary − model, per metric */
  diffs: Record<string, MetricSet>;
  treatAll: Record<string, Estimate>;
  subgroups: SubgroupRow[];
  /** per risk category of the primary model: n, observed rate, mean predicted */
  categoryTable: { category: string; from: number; to: number; n: number; events: number; observed: number; meanPredicted: number }[] | null;
  curves: {
    roc: Record<string, { fpr: number; tpr: number }[]>;
    calibration: Record<string, { meanPred: number; observed: number; n: number }[]>;
    decision: { thresholds: number[]; models: Record<string, number[]>; treatAll: number[] };
  };
};

export type EvaluationReport = {
  primary: string;
  models: string[];
  heads: HeadReport[];
  bootstrap: { B: number; subgroupB: number; seed: number; unit: "patient"; method: "percentile, paired across models" };
  testRows: number;
  testPatients: number;
  definitions: Record<string, string>;
};

export const DEFINITIONS: Record<string, string> = {
  auroc: "area under the ROC curve (Mann–Whitney, ties half)",
  auprc: "area under the precision–recall curve (average precision)",
  brier: "mean squared error of the probability",
  ece: "expected calibration error, 10 equal-width bins",
  calibrationSlope: "b in logit P(y=1) = a + b·logit(p); ideal 1 (< 1: predictions too extreme); undefined (left out of the bootstrap) when the predictions separate the outcomes",
  calibrationIntercept: "a in logit P(y=1) = a + logit(p) (calibration-in-the-large); ideal 0 (< 0: risks overestimated)",
  oe: "observed / expected events (Σy / Σp); ideal 1",
  "nb@t": "net benefit at threshold t: TP/n − FP/n · t/(1−t), positive = p ≥ t (decision curve analysis)",
};

/**
 * The full report for `rows` (snapshot row indices of the held-out patients). `preds[model]` holds
 * probabilities rows.length × H (row-major); labels n × H with NaN = unknown.
 */
export function evaluateModels(o: {
  heads: string[];
  labels: Float32Array;
  patients: readonly string[];
  sex: readonly (string | null)[];
  age: readonly (number | null)[];
  smoking: readonly (string | null)[];
  rows: readonly number[];
  preds: Record<string, Float64Array>;
  primary: string;
  B?: number;
  subgroupB?: number;
  seed?: number;
  decisions?: Record<string, HeadDecision>;
  /** which models get the subgroup table (default: the primary) */
  subgroupModels?: string[];
}): EvaluationReport {
  const H = o.heads.length;
  const B = o.B ?? 400, subB = o.subgroupB ?? 200, seed = o.seed ?? 20261202;
  const names = Object.keys(o.preds);
  const heads: HeadReport[] = o.heads.map((head, h) => {
    const dec = o.decisions?.[head] ?? decisionFor(head);
    const known: number[] = [], at: number[] = [];
    o.rows.forEach((r, k) => {
      if (!Number.isNaN(o.labels[r * H + h])) {
        known.push(r);
        at.push(k);
      }
    });
    const y = Float64Array.from(known, (r) => o.labels[r * H + h]);
    const preds = Object.fromEntries(names.map((m) => [m, Float64Array.from(at, (k) => o.preds[m][k * H + h])]));
    const bs = pairedBootstrap({ y, patients: o.patients, rows: known, preds, thresholds: dec.thresholds, primary: o.primary, B, seed: seed + h });
    const subgroups: SubgroupRow[] = [];
    const vars: [string, (r: number) => string | null][] = [
      ["sex", (r) => o.sex[r]],
      ["age band", (r) => ageBand(o.age[r])],
      ["smoking", (r) => o.smoking[r]],
    ];
    const subNames = o.subgroupModels ?? [o.primary];
    const subThresholds = dec.categories ? [...dec.categories] : dec.thresholds.slice(0, 2);
    for (const [variable, f] of vars) {
      const levels = [...new Set(known.map(f).filter((v): v is string => v != null))].sort((a, b) => (variable === "age band" ? AGE_BANDS.findIndex((x) => x[0] === a) - AGE_BANDS.findIndex((x) => x[0] === b) : a.localeCompare(b)));
      for (const level of levels) {
        const idx = known.flatMap((r, k) => (f(r) === level ? [k] : []));
        const ys = Float64Array.from(idx, (k) => y[k]);
        const sub = pairedBootstrap({ y: ys, patients: o.patients, rows: idx.map((k) => known[k]), preds: Object.fromEntries(subNames.map((m) => [m, Float64Array.from(idx, (k) => preds[m][k])])), thresholds: subThresholds, B: subB, seed: seed + 97 * h + subgroups.length, withTreatAll: false });
        for (const m of subNames) subgroups.push({ variable: subNames.length > 1 ? `${variable} (${m})` : variable, level, n: idx.length, events: ys.reduce((s, v) => s + v, 0), metrics: sub.metrics[m] });
      }
    }
    const pp = preds[o.primary];
    const categoryTable = dec.categories
      ? (
          [
            ["low", 0, dec.categories[0]],
            ["moderate", dec.categories[0], dec.categories[1]],
            ["high", dec.categories[1], 1.0000001],
          ] as [string, number, number][]
        ).map(([category, from, to]) => {
          const idx = Array.from(pp.keys()).filter((k) => pp[k] >= from && pp[k] < to);
          const events = idx.reduce((s, k) => s + y[k], 0);
          return { category, from, to: Math.min(1, to), n: idx.length, events, observed: idx.length ? events / idx.length : NaN, meanPredicted: idx.length ? idx.reduce((s, k) => s + pp[k], 0) / idx.length : NaN };
        })
      : null;
    const dcT = Array.from({ length: 41 }, (_, i) => dec.thresholds[0] + (i / 40) * (dec.thresholds[dec.thresholds.length - 1] - dec.thresholds[0]));
    const events = y.reduce((s, v) => s + v, 0);
    return {
      head,
      n: known.length,
      patients: new Set(known.map((r) => o.patients[r])).size,
      events,
      prevalence: events / Math.max(1, known.length),
      thresholds: dec.thresholds,
      categories: dec.categories ?? null,
      metrics: bs.metrics,
      diffs: bs.diffs,
      treatAll: bs.treatAll,
      subgroups,
      categoryTable,
      curves: {
        roc: Object.fromEntries(names.map((m) => [m, rocCurve(y, preds[m], 100)])),
        calibration: Object.fromEntries(names.map((m) => [m, calibrationDeciles(y, preds[m])])),
        decision: { thresholds: dcT, models: Object.fromEntries(names.map((m) => [m, dcT.map((t) => netBenefit(y, preds[m], t))])), treatAll: dcT.map((t) => netBenefitTreatAll(y, t)) },
      },
    };
  });
  return {
    primary: o.primary,
    models: names,
    heads,
    bootstrap: { B, subgroupB: subB, seed, unit: "patient", method: "percentile, paired across models" },
    testRows: o.rows.length,
    testPatients: new Set(o.rows.map((r) => o.patients[r])).size,
    definitions: DEFINITIONS,
  };
}
