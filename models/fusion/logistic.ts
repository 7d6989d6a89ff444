/**
 * L2-penalised logistic regression by Newton's method (iteratively reweighted least squares) on
 * dense Float64 data: the strong early-fusion baseline (record features + frozen image features)
 * and the plain logistic regression of the Wisconsin comparison. The intercept is not penalised.
 * Deterministic: no randomness, fixed iteration order.
 */
export type LogisticModel = { intercept: number; weights: Float64Array; l2: number; iterations: number; converged: boolean };

/** Solve A x = b for a symmetric positive definite A (row-major d × d) by Cholesky; A is overwritten. */
function cholSolve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let k = 0; k < j; k++) s -= A[j * d + k] ** 2;
    const ljj = Math.sqrt(Math.max(s, 1e-12));
    A[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let k = 0; k < j; k++) t -= A[i * d + k] * A[j * d + k];
      A[i * d + j] = t / ljj;
    }
  }
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let t = b[i];
    for (let k = 0; k < i; k++) t -= A[i * d + k] * y[k];
    y[i] = t / A[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let t = y[i];
    for (let k = i + 1; k < d; k++) t -= A[k * d + i] * x[k];
    x[i] = t / A[i * d + i];
  }
  return x;
}

/**
 * X: n × p row-major, y: 0/1, rows: which rows to use (default all). Minimises
 * Σ log-loss + l2/2 · ‖w‖² (mean-scaled: l2 is per row, so its effect does not depend on n).
 */
export function fitLogisticRegression(X: ArrayLike<number>, p: number, y: ArrayLike<number>, opts: { rows?: ArrayLike<number>; l2?: number; maxIter?: number; tol?: number } = {}): LogisticModel {
  const rows = opts.rows ?? Array.from({ length: y.length }, (_, i) => i);
  const n = rows.length;
  const l2 = (opts.l2 ?? 1e-4) * n;
  const d = p + 1;
  const w = new Float64Array(d); // [intercept, weights…]
  const x = new Float64Array(d);
  let converged = false, it = 0;
  for (it = 1; it <= (opts.maxIter ?? 50); it++) {
    const g = new Float64Array(d);
    const Hm = new Float64Array(d * d);
    for (let r = 0; r < n; r++) {
      const i = rows[r];
      x[0] = 1;
      for (let j = 0; j < p; j++) x[j + 1] = X[i * p + j];
      let z = 0;
      for (let j = 0; j < d; j++) z += w[j] * x[j];
      const pr = 1 / (1 + Math.exp(-z));
      const e = pr - y[i], v = Math.max(pr * (1 - pr), 1e-10);
      for (let j = 0; j < d; j++) {
        g[j] += e * x[j];
        const vx = v * x[j];
        for (let k = 0; k <= j; k++) Hm[j * d + k] += vx * x[k];
      }
    }
    for (let j = 0; j < d; j++) for (let k = j + 1; k < d; k++) Hm[j * d + k] = Hm[k * d + j];
    for (let j = 1; j < d; j++) {
      g[j] += l2 * w[j];
      Hm[j * d + j] += l2;
    }
    const step = cholSolve(Hm, g, d);
    let mx = 0;
    for (let j = 0; j < d; j++) {
      w[j] -= step[j];
      mx = Math.max(mx, Math.abs(step[j]));
    }
    if (mx < (opts.tol ?? 1e-8)) {
      converged = true;
      break;
    }
  }
  return { intercept: w[0], weights: w.slice(1), l2: opts.l2 ?? 1e-4, iterations: it, converged };
}

export function logisticLogits(m: LogisticModel, X: ArrayLike<number>, p: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    let z = m.intercept;
    for (let j = 0; j < p; j++) z += m.weights[j] * X[i * p + j];
    out[r] = z;
  }
  return out;
}

/** Column means and standard deviations over `rows` (sd 1 where a column is constant). */
export function standardizer(X: ArrayLike<number>, p: number, rows: ArrayLike<number>): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(p), sd = new Float64Array(p);
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < p; j++) mean[j] += X[rows[r] * p + j] / rows.length;
  for (let r = 0; r < rows.length; r++) for (let j = 0; j < p; j++) sd[j] += (X[rows[r] * p + j] - mean[j]) ** 2 / Math.max(1, rows.length - 1);
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  return { mean, sd };
}

export function standardize(X: ArrayLike<number>, p: number, s: { mean: ArrayLike<number>; sd: ArrayLike<number> }): Float64Array {
  const n = X.length / p;
  const out = new Float64Array(X.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[i * p + j] = (X[i * p + j] - s.mean[j]) / s.sd[j];
  return out;
}
