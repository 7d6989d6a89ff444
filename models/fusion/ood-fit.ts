/**
 * Fits the image out-of-distribution reference (lib/fusion/ood.ts) for a model bundle:
 *   1. pooled last-conv features (img_pool) of `fitN` training-split images → mean and covariance,
 *      shrunk towards a scaled identity (Σ' = (1 − λ) Σ + λ · tr(Σ)/d · I) and inverted (ml-matrix);
 *   2. threshold = the `quantile` of the Mahalanobis distances of validation-split images (held out
 *      from the fit, so the false-alarm rate on in-distribution images is about 1 − quantile);
 *   3. evaluation on the test split (false-alarm rate) and on images the model never saw the like
 *      of: transformed synthetic slices and any real DICOM frames passed in (detection rate).
 */
import * as tf from "@tensorflow/tfjs";
import { Matrix, inverse } from "ml-matrix";
import { layersOf, stages } from "@/lib/fusion/architecture";
import { preprocessImage, type ImageInput } from "@/lib/fusion/encoders";
import type { FusionModel } from "@/lib/fusion/bundle";
import { mahalanobis, type OodReference } from "@/lib/fusion/ood";
import { generatePatient, renderScan, type CohortPatient } from "./cohort";

export type SplitRange = { seed: number; offset: number; n: number };

/** Pooled image features for preprocessed images (n × S × S), in batches. */
export function pooledFeatures(model: FusionModel, images: Float32Array, n: number, batch = 128): Float32Array[] {
  const S = model.meta.arch.imageSize;
  const g = stages(model.meta.arch, layersOf(model.main));
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i += batch) {
    const b = Math.min(batch, n - i);
    const rows = tf.tidy(() => g.imagePooled(g.featureMap(tf.tensor4d(images.subarray(i * S * S, (i + b) * S * S), [b, S, S, 1]))).arraySync() as number[][]);
    for (const r of rows) out.push(Float32Array.from(r));
  }
  return out;
}

/** A synthetic patient's slice rendered as training renders it (2× the model size, area-resized). */
export function syntheticImage(p: CohortPatient, S: number): ImageInput {
  const s = renderScan(p, { size: 2 * S });
  return { rows: s.rows, columns: s.columns, data: Float32Array.from(s.hu), modality: "CT" };
}

function preprocessMany(inputs: ImageInput[], S: number): Float32Array {
  const all = new Float32Array(inputs.length * S * S);
  inputs.forEach((im, i) => all.set(preprocessImage(im, S).data, i * S * S));
  return all;
}

function splitImages(r: SplitRange, S: number, transform?: (im: ImageInput, i: number) => ImageInput): Float32Array {
  const ims: ImageInput[] = [];
  for (let i = 0; i < r.n; i++) {
    const im = syntheticImage(generatePatient(r.seed, r.offset + i), S);
    ims.push(transform ? transform(im, i) : im);
  }
  return preprocessMany(ims, S);
}

function quantileOf(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Images no chest-CT model should accept as chest CT: what each transform stands for is in its name. */
export const SYNTHETIC_OOD: Record<string, (im: ImageInput, i: number) => ImageInput> = {
  "upside down (flipped vertically)": (im) => {
    const d = new Float32Array(im.rows * im.columns);
    for (let y = 0; y < im.rows; y++) for (let x = 0; x < im.columns; x++) d[y * im.columns + x] = Number(im.data[(im.rows - 1 - y) * im.columns + x]);
    return { ...im, data: d };
  },
  "rotated 90°": (im) => {
    const d = new Float32Array(im.rows * im.columns);
    for (let y = 0; y < im.rows; y++) for (let x = 0; x < im.columns; x++) d[x * im.rows + (im.rows - 1 - y)] = Number(im.data[y * im.columns + x]);
    return { ...im, rows: im.columns, columns: im.rows, data: d };
  },
  "uniform water (0 HU)": (im) => ({ ...im, data: new Float32Array(im.rows * im.columns) }),
  "noise (uniform −1000…1000 HU)": (im, i) => {
    let s = (i + 1) * 2654435761;
    const d = new Float32Array(im.rows * im.columns);
    for (let k = 0; k < d.length; k++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      d[k] = (s / 2 ** 32) * 2000 - 1000;
    }
    return { ...im, data: d };
  },
  "display values mistaken for HU ((HU + 1024) / 8)": (im) => ({ ...im, data: Float32Array.from(im.data as Float32Array, (v) => (Number(v) + 1024) / 8) }),
};

/**
 * Mean and shrunk inverse covariance of feature rows: Σ' = (1 − λ) Σ + λ · tr(Σ)/d · I, inverted;
 * the precision rounded to float32 as ood.json stores it (distances computed here equal the runtime's).
 */
export function fitMahalanobis(X: Float32Array[], lambda: number) {
  const d = X[0].length;
  const m = new Matrix(X.map((r) => Array.from(r)));
  const mean = m.mean("column");
  const centred = m.clone().subRowVector(mean);
  const cov = centred.transpose().mmul(centred).div(X.length - 1);
  const tr = cov.trace() / d;
  const shrunk = cov.mul(1 - lambda).add(Matrix.eye(d, d).mul(lambda * tr));
  const precision = inverse(shrunk);
  const prec = Float64Array.from(new Float32Array(precision.to1DArray()));
  return { d, mean, prec, rt: { mean: Float64Array.from(mean), precision: prec }, precisionBase64: Buffer.from(new Float32Array(prec).buffer).toString("base64") };
}

export function quantile(xs: number[], q: number): number {
  return quantileOf(xs, q);
}

export async function fitOodReference(
  model: FusionModel,
  opts: {
    fit: SplitRange;
    threshold: SplitRange;
    test: SplitRange;
    quantile?: number;
    shrinkage?: number;
    /** real images that are not synthetic chest slices, e.g. pydicom's CT_small (label → image) */
    realOod?: Record<string, ImageInput>;
    /** how many test images per synthetic transform */
    nPerTransform?: number;
    onStage?: (s: string) => void;
  },
): Promise<OodReference> {
  const S = model.meta.arch.imageSize;
  const q = opts.quantile ?? 0.995;
  const lambda = opts.shrinkage ?? 0.01;
  const say = opts.onStage ?? (() => {});

  say(`fit: ${opts.fit.n} training-split images`);
  const X = pooledFeatures(model, splitImages(opts.fit, S), opts.fit.n);
  const { d, mean, prec, rt } = fitMahalanobis(X, lambda);
  const dist = (rows: Float32Array[]) => rows.map((r) => mahalanobis(rt, r));

  say(`threshold: ${opts.threshold.n} validation-split images`);
  const thr = quantileOf(dist(pooledFeatures(model, splitImages(opts.threshold, S), opts.threshold.n)), q);

  say(`evaluate: ${opts.test.n} test-split images`);
  const testD = dist(pooledFeatures(model, splitImages(opts.test, S), opts.test.n));
  const flaggedRate = (ds: number[]) => ds.filter((x) => x > thr).length / ds.length;
  const summary = (ds: number[]) => ({ n: ds.length, flagged: flaggedRate(ds), medianDistance: quantileOf(ds, 0.5) });
  const evaluation: Record<string, unknown> = { "in distribution: synthetic test split (false alarms)": summary(testD) };

  const nT = Math.min(opts.nPerTransform ?? 200, opts.test.n);
  for (const [name, fn] of Object.entries(SYNTHETIC_OOD)) {
    say(`evaluate: ${name}`);
    evaluation[`out of distribution: ${name}`] = summary(dist(pooledFeatures(model, splitImages({ ...opts.test, n: nT }, S, fn), nT)));
  }
  for (const [name, im] of Object.entries(opts.realOod ?? {})) {
    const [dd] = dist(pooledFeatures(model, preprocessMany([im], S), 1));
    evaluation[`out of distribution: real ${name}`] = { n: 1, flagged: dd > thr ? 1 : 0, distance: dd };
  }

  const f32 = new Float32Array(prec);
  return {
    method: "mahalanobis",
    layer: "img_pool",
    dim: d,
    mean: Array.from(mean),
    precisionBase64: Buffer.from(f32.buffer).toString("base64"),
    threshold: thr,
    thresholdQuantile: q,
    shrinkage: lambda,
    fittedOn: { generator: "models/fusion/cohort.ts", ...opts.fit },
    thresholdFrom: opts.threshold,
    evaluation,
  };
}
