/** Discrimination and calibration metrics with paired bootstrap confidence intervals. */
import { mulberry32 } from "./rng";

/** AUROC via the rank-sum (Mann–Whitney) statistic, ties given half credit. */
export function auroc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let rankSumPos = 0, nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]] === p[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]] === 1) { rankSumPos += avgRank; nPos++; }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Area under the precision-recall curve as average precision. */
export function auprc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  let tp = 0, fp = 0, ap = 0;
  let nPos = 0;
  for (let i = 0; i < n; i++) nPos += y[i];
  if (nPos === 0) return NaN;
  for (let i = 0; i < n; i++) {
    if (y[idx[i]] === 1) { tp++; ap += tp / (tp + fp); } else fp++;
  }
  return ap / nPos;
}

export function brier(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i] - y[i]) ** 2;
  return s / y.length;
}

/** Expected calibration error, 10 equal-width bins, weighted by bin size. */
export function ece(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): number {
  const cnt = new Array(bins).fill(0), sp = new Array(bins).fill(0), sy = new Array(bins).fill(0);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.floor(p[i] * bins));
    cnt[b]++; sp[b] += p[i]; sy[b] += y[i];
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]) e += (cnt[b] / y.length) * Math.abs(sp[b] / cnt[b] - sy[b] / cnt[b]);
  return e;
}

export function calibrationCurve(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): { meanPred: number; observed: number; n: number }[] {
  const out = [];
  for (let b = 0; b < bins; b++) {
    let n = 0, sp = 0, sy = 0;
    for (let i = 0; i < y.length; i++) if (Math.min(bins - 1, Math.floor(p[i] * bins)) === b) { n++; sp += p[i]; sy += y[i]; }
    if (n) out.push({ meanPred: sp / n, observed: sy / n, n });
  }
  return out;
}

export function rocCurve(y: ArrayLike<number>, p: ArrayLike<number>, points = 100): { fpr: number; tpr: number }[] {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  let P = 0;
  for (let i = 0; i < n; i++) P += y[i];
  const N = n - P;
  const out = [{ fpr: 0, tpr: 0 }];
  let tp = 0, fp = 0;
  const step = Math.max(1, Math.floor(n / points));
  for (let i = 0; i < n; i++) {
    if (y[idx[i]] === 1) tp++; else fp++;
    if (i % step === 0 || i === n - 1) out.push({ fpr: fp / N, tpr: tp / P });
  }
  return out;
}

export type MetricName = "auroc" | "auprc" | "brier" | "ece";
export const METRICS: Record<MetricName, (y: ArrayLike<number>, p: ArrayLike<number>) => number> = { auroc, auprc, brier, ece };

export type Estimate = { value: number; lo: number; hi: number };

/**
 * Paired percentile bootstrap: the same resampled patients for every prediction set, so
 * differences between strategies get proper (paired) intervals.
 */
export function bootstrap(
  y: ArrayLike<number>,
  preds: Record<string, ArrayLike<number>>,
  opts: { B?: number; seed?: number; diffs?: [string, string][] } = {},
): { metrics: Record<string, Record<MetricName, Estimate>>; diffs: Record<string, Estimate> } {
  const B = opts.B ?? 500;
  const rng = mulberry32(opts.seed ?? 12345);
  const n = y.length;
  const names = Object.keys(preds);
  const samples: Record<string, Record<MetricName, number[]>> = {};
  const diffSamples: Record<string, number[]> = {};
  for (const k of names) samples[k] = { auroc: [], auprc: [], brier: [], ece: [] };
  for (const [a, b] of opts.diffs ?? []) diffSamples[`${a}-${b}`] = [];
  const yb = new Float64Array(n);
  const pb = new Float64Array(n);
  for (let r = 0; r < B; r++) {
    const ix = new Int32Array(n);
    for (let i = 0; i < n; i++) ix[i] = Math.floor(rng.next() * n);
    for (let i = 0; i < n; i++) yb[i] = y[ix[i]];
    const au: Record<string, number> = {};
    for (const k of names) {
      const p = preds[k];
      for (let i = 0; i < n; i++) pb[i] = p[ix[i]];
      for (const m of Object.keys(METRICS) as MetricName[]) {
        const v = METRICS[m](yb, pb);
        samples[k][m].push(v);
        if (m === "auroc") au[k] = v;
      }
    }
    for (const [a, b] of opts.diffs ?? []) diffSamples[`${a}-${b}`].push(au[a] - au[b]);
  }
  const pct = (xs: number[], q: number) => {
    const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
  };
  const metrics: Record<string, Record<MetricName, Estimate>> = {};
  for (const k of names) {
    metrics[k] = {} as Record<MetricName, Estimate>;
    for (const m of Object.keys(METRICS) as MetricName[]) metrics[k][m] = { value: METRICS[m](y, preds[k]), lo: pct(samples[k][m], 0.025), hi: pct(samples[k][m], 0.975) };
  }
  const diffs: Record<string, Estimate> = {};
  for (const [a, b] of opts.diffs ?? []) {
    const key = `${a}-${b}`;
    diffs[key] = { value: auroc(y, preds[a]) - auroc(y, preds[b]), lo: pct(diffSamples[key], 0.025), hi: pct(diffSamples[key], 0.975) };
  }
  return { metrics, diffs };
}

/** Temperature T minimising the log loss of sigmoid(logit / T) (golden-section search on log T). */
export function fitTemperature(y: ArrayLike<number>, logits: ArrayLike<number>): number {
  const nll = (logT: number) => {
    const T = Math.exp(logT);
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const z = logits[i] / T;
      // log(1 + e^z) − y z, numerically stable
      s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
    }
    return s;
  };
  let a = Math.log(0.2), b = Math.log(5);
  const gr = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 60; it++) {
    const c = b - gr * (b - a), d = a + gr * (b - a);
    if (nll(c) < nll(d)) b = d; else a = c;
  }
  return Math.exp((a + b) / 2);
}

/** Logistic regression by Newton's method (small dense problems: late-fusion stacking). */
export function fitLogistic(X: number[][], y: ArrayLike<number>, l2 = 1e-3, iters = 30): number[] {
  const d = X[0].length + 1;
  let w = new Array(d).fill(0);
  for (let it = 0; it < iters; it++) {
    const g = new Array(d).fill(0);
    const Hm = Array.from({ length: d }, () => new Array(d).fill(0));
    for (let i = 0; i < X.length; i++) {
      const x = [1, ...X[i]];
      const z = x.reduce((s, xi, j) => s + xi * w[j], 0);
      const p = 1 / (1 + Math.exp(-z));
      for (let j = 0; j < d; j++) {
        g[j] += (p - y[i]) * x[j];
        for (let k = 0; k < d; k++) Hm[j][k] += p * (1 - p) * x[j] * x[k];
      }
    }
    for (let j = 1; j < d; j++) { g[j] += l2 * w[j]; Hm[j][j] += l2; }
    const step = solve(Hm, g);
    w = w.map((wj, j) => wj - step[j]);
  }
  return w;
}

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    const v = M[c][c] || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / v;
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((r, i) => r[n] / (r[i] || 1e-12));
}
