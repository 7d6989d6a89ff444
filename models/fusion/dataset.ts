/**
 * Cohort → model inputs, through exactly the encoders the runtime uses (lib/fusion/encoders).
 * Splits are by patient (each synthetic patient has one scan): consecutive index ranges of the
 * cohort, so the test set is the same for every strategy and every run with the same seed.
 */
import { encodeRecord, preprocessImage, TABULAR_DIM } from "@/lib/fusion/encoders";
import { generatePatient, renderScan, toRecordInput, HEADS, type HeadName } from "./cohort";

export type Split = {
  n: number;
  indices: number[];
  images: Float32Array; // n × size × size
  tabular: Float32Array; // n × TABULAR_DIM
  labels: Float32Array; // n × heads
  trueRisk: Float32Array; // n × heads
  /** auxiliary image targets (what a radiology report states): [nodule size score, calcium score] */
  aux: Float32Array; // n × AUX_TARGETS.length
};

/** g = max(0, largest nodule − 6 mm) / 8 mm; c = ln(1 + Agatston) / 2 — the generator's image terms. */
export const AUX_TARGETS = ["nodule_size_score", "coronary_calcium_score"] as const;

export type SplitSpec = { seed: number; offset: number; n: number };

/** Render size for training data: the phantom is resolution independent (partial-volume discs,
 * noise defined per output-pixel area), so 2× the model size then area-resize matches 512² uploads. */
export function buildSplit(spec: SplitSpec, imageSize: number, onProgress?: (done: number) => void, renderSize = imageSize * 2): Split {
  const { n } = spec;
  const H = HEADS.length;
  const s: Split = {
    n,
    indices: [],
    images: new Float32Array(n * imageSize * imageSize),
    tabular: new Float32Array(n * TABULAR_DIM),
    labels: new Float32Array(n * H),
    trueRisk: new Float32Array(n * H),
    aux: new Float32Array(n * AUX_TARGETS.length),
  };
  for (let i = 0; i < n; i++) {
    const p = generatePatient(spec.seed, spec.offset + i);
    s.indices.push(p.index);
    const scan = renderScan(p, { size: renderSize });
    s.images.set(preprocessImage({ rows: scan.rows, columns: scan.columns, data: scan.hu, modality: "CT" }, imageSize).data, i * imageSize * imageSize);
    s.tabular.set(encodeRecord(toRecordInput(p)).vector, i * TABULAR_DIM);
    HEADS.forEach((h: HeadName, j) => {
      s.labels[i * H + j] = p.labels[h];
      s.trueRisk[i * H + j] = p.trueRisk[h];
    });
    s.aux[i * 2] = Math.max(0, p.latent.maxNoduleMm - 6) / 8;
    s.aux[i * 2 + 1] = Math.log1p(p.latent.cacScore) / 2;
    if (onProgress && (i % 200 === 0 || i === n - 1)) onProgress(i + 1);
  }
  return s;
}

export function column(a: Float32Array, n: number, width: number, j: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i * width + j];
  return out;
}
