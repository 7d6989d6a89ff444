/**
 * Training loop (seeded shuffling, early stopping on validation loss, best weights restored),
 * batched prediction, temperature scaling, late-fusion stacking and the MC-dropout interval fit.
 */
import * as tf from "@tensorflow/tfjs";
import { buildFusionModel, layersOf, stages, usesImage, usesTabular, type ArchConfig } from "@/lib/fusion/architecture";
import type { Split } from "./dataset";
import { fitLogistic, fitTemperature } from "./metrics";
import { mulberry32 } from "./rng";

export type TrainOptions = {
  epochs: number;
  batchSize: number;
  lr: number;
  patience: number;
  seed: number;
  /** weight of the auxiliary image-target loss (models with an aux output) */
  auxWeight?: number;
  onBatch?: (info: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (info: { epoch: number; trainLoss: number; valLoss: number; best: boolean; seconds: number }) => void;
};

export type TrainResult = {
  model: tf.LayersModel;
  cfg: ArchConfig;
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  seconds: number;
  samplesPerSecond: number;
  history: { epoch: number; trainLoss: number; valLoss: number }[];
};

const bce = (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.sigmoidCrossEntropy(yTrue, logits);

function inputsFor(cfg: ArchConfig, s: Split, idx?: tf.Tensor1D): tf.Tensor[] {
  return tf.tidy(() => {
    const ins: tf.Tensor[] = [];
    if (usesImage(cfg.strategy)) {
      const all = tf.tensor4d(s.images, [s.n, cfg.imageSize, cfg.imageSize, 1]);
      ins.push(idx ? tf.gather(all, idx) : all);
    }
    if (usesTabular(cfg.strategy)) {
      const all = tf.tensor2d(s.tabular, [s.n, cfg.tabularDim]);
      ins.push(idx ? tf.gather(all, idx) : all);
    }
    return ins;
  });
}

/** Logits for a whole split, in batches. */
export function predictLogits(model: tf.LayersModel, cfg: ArchConfig, s: Split, batch = 512): Float32Array {
  const H = cfg.heads.length;
  const out = new Float32Array(s.n * H);
  const S = cfg.imageSize, D = cfg.tabularDim;
  for (let i = 0; i < s.n; i += batch) {
    const m = Math.min(batch, s.n - i);
    const r = tf.tidy(() => {
      const ins: tf.Tensor[] = [];
      if (usesImage(cfg.strategy)) ins.push(tf.tensor4d(s.images.subarray(i * S * S, (i + m) * S * S), [m, S, S, 1]));
      if (usesTabular(cfg.strategy)) ins.push(tf.tensor2d(s.tabular.subarray(i * D, (i + m) * D), [m, D]));
      const o = model.predict(ins.length === 1 ? ins[0] : ins);
      return (Array.isArray(o) ? o[0] : o).dataSync() as Float32Array;
    });
    out.set(r, i * H);
  }
  return out;
}

function meanBce(logits: Float32Array, labels: Float32Array): number {
  let s = 0;
  for (let i = 0; i < logits.length; i++) {
    const z = logits[i];
    s += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - labels[i] * z;
  }
  return s / logits.length;
}

export async function trainNet(cfg: ArchConfig, train: Split, val: Split, opts: TrainOptions): Promise<TrainResult> {
  const model = buildFusionModel(cfg);
  const hasAux = model.outputs.length > 1;
  const auxWeight = opts.auxWeight ?? 1;
  const mse = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mul(tf.losses.meanSquaredError(yTrue, yPred), auxWeight);
  if (hasAux) model.compile({ optimizer: tf.train.adam(opts.lr), loss: [bce, mse] });
  else model.compile({ optimizer: tf.train.adam(opts.lr), loss: bce });
  const rng = mulberry32(opts.seed);
  const H = cfg.heads.length;
  const [xAll, yAll] = [inputsFor(cfg, train), tf.tensor2d(train.labels, [train.n, H])];
  const auxAll = hasAux ? tf.tensor2d(train.aux, [train.n, train.aux.length / train.n]) : null;
  const history: TrainResult["history"] = [];
  let best = { loss: Infinity, epoch: 0, weights: [] as tf.Tensor[] };
  let bad = 0;
  const t0 = performance.now();
  let seen = 0;
  let epoch = 0;
  try {
    for (epoch = 1; epoch <= opts.epochs; epoch++) {
      const te = performance.now();
      const perm = Array.from({ length: train.n }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const batches = Math.ceil(train.n / opts.batchSize);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        const ids = perm.slice(b * opts.batchSize, (b + 1) * opts.batchSize);
        const idx = tf.tensor1d(ids, "int32");
        const xs = xAll.map((x) => tf.gather(x, idx));
        const ys = tf.gather(yAll, idx);
        const aux = auxAll ? tf.gather(auxAll, idx) : null;
        const res = await model.trainOnBatch(xs.length === 1 ? xs[0] : xs, aux ? [ys, aux] : ys);
        // with an auxiliary output trainOnBatch returns [total, outcome, aux]: track the outcome loss
        const loss = Array.isArray(res) ? res[1] : res;
        tf.dispose([idx, ...xs, ys, ...(aux ? [aux] : [])]);
        lossSum += loss;
        seen += ids.length;
        opts.onBatch?.({ epoch, batch: b + 1, batches, loss: lossSum / (b + 1) });
      }
      const valLoss = meanBce(predictLogits(model, cfg, val), val.labels);
      const trainLoss = lossSum / batches;
      history.push({ epoch, trainLoss, valLoss });
      const improved = valLoss < best.loss - 1e-5;
      if (improved) {
        tf.dispose(best.weights);
        best = { loss: valLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
        bad = 0;
      } else bad++;
      opts.onEpoch?.({ epoch, trainLoss, valLoss, best: improved, seconds: (performance.now() - te) / 1000 });
      if (bad >= opts.patience) break;
    }
    if (best.weights.length) model.setWeights(best.weights);
  } finally {
    tf.dispose([...xAll, yAll, ...(auxAll ? [auxAll] : []), ...best.weights]);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { model, cfg, epochsRun: Math.min(epoch, opts.epochs), bestEpoch: best.epoch, bestValLoss: best.loss, seconds, samplesPerSecond: seen / seconds, history };
}

export function column(a: Float32Array, n: number, width: number, j: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[i * width + j];
  return out;
}

/** Temperature per head, fitted on validation logits. */
export function fitTemperatures(valLogits: Float32Array, val: Split, H: number): number[] {
  return Array.from({ length: H }, (_, h) => fitTemperature(column(val.labels, val.n, H, h), column(valLogits, val.n, H, h)));
}

export function applyTemperature(logits: Float32Array, T: number[]): Float64Array {
  const H = T.length;
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i] / T[i % H]));
  return out;
}

/** Late fusion: per head, p = σ(w0 + w1·logit_image + w2·logit_tabular), fitted on validation. */
export function fitLateStacker(valImg: Float32Array, valTab: Float32Array, val: Split, H: number): number[][] {
  return Array.from({ length: H }, (_, h) => {
    const X = Array.from({ length: val.n }, (_, i) => [valImg[i * H + h], valTab[i * H + h]]);
    return fitLogistic(X, column(val.labels, val.n, H, h));
  });
}

export function applyLateStacker(w: number[][], img: Float32Array, tab: Float32Array, H: number): Float64Array {
  const out = new Float64Array(img.length);
  for (let i = 0; i < img.length; i++) {
    const h = i % H;
    out[i] = 1 / (1 + Math.exp(-(w[h][0] + w[h][1] * img[i] + w[h][2] * tab[i])));
  }
  return out;
}

/**
 * MC-dropout logit quantiles for the first `n` patients of a split: returns per patient and head
 * [point, qLo, qHi] logits (the same computation assess() does, batched).
 */
export function mcDropoutQuantiles(model: tf.LayersModel, cfg: ArchConfig, s: Split, n: number, K: number, qLo: number, qHi: number): Float64Array {
  const H = cfg.heads.length;
  const S = cfg.imageSize, D = cfg.tabularDim;
  const out = new Float64Array(n * H * 3);
  const g = stages(cfg, layersOf(model));
  const B = 64;
  for (let i = 0; i < n; i += B) {
    const m = Math.min(B, n - i);
    const [point, mc] = tf.tidy(() => {
      const img = usesImage(cfg.strategy) ? tf.tensor4d(s.images.subarray(i * S * S, (i + m) * S * S), [m, S, S, 1]) : null;
      const tab = tf.tensor2d(s.tabular.subarray(i * D, (i + m) * D), [m, D]);
      const ie = img ? g.imageEmbedding(g.featureMap(img)) : null;
      const fused = g.fused(ie, g.tabularEmbedding(tab));
      const rep = tf.reshape(tf.tile(tf.expandDims(fused, 1), [1, K, 1]), [m * K, -1]);
      return [g.logits(fused).dataSync(), g.logits(rep, true).dataSync()];
    });
    for (let a = 0; a < m; a++)
      for (let h = 0; h < H; h++) {
        const ls = Array.from({ length: K }, (_, k) => mc[(a * K + k) * H + h]).sort((x, y) => x - y);
        const q = (qq: number) => {
          const pos = (K - 1) * qq, lo = Math.floor(pos), hi = Math.ceil(pos);
          return ls[lo] + (ls[hi] - ls[lo]) * (pos - lo);
        };
        const o = ((i + a) * H + h) * 3;
        out[o] = point[a * H + h];
        out[o + 1] = q(qLo);
        out[o + 2] = q(qHi);
      }
  }
  return out;
}

/** Smallest widening factor so that ~`target` of intervals contain the generator's true risk. */
export function fitIntervalWidening(q: Float64Array, s: Split, n: number, T: number[], target = 0.9): { widen: number; coverage: number; meanWidth: number } {
  const H = T.length;
  const coverage = (w: number) => {
    let inside = 0, width = 0;
    for (let i = 0; i < n; i++)
      for (let h = 0; h < H; h++) {
        const o = (i * H + h) * 3;
        const l = q[o];
        const sig = (x: number) => 1 / (1 + Math.exp(-x / T[h]));
        const lo = sig(l - w * Math.max(0, l - q[o + 1]));
        const hi = sig(l + w * Math.max(0, q[o + 2] - l));
        const tr = s.trueRisk[i * H + h];
        if (tr >= lo && tr <= hi) inside++;
        width += hi - lo;
      }
    return { c: inside / (n * H), width: width / (n * H) };
  };
  let lo = 0.25, hi = 25;
  if (coverage(hi).c < target) return { widen: hi, coverage: coverage(hi).c, meanWidth: coverage(hi).width };
  for (let it = 0; it < 40; it++) {
    const mid = Math.sqrt(lo * hi);
    if (coverage(mid).c >= target) hi = mid; else lo = mid;
  }
  const r = coverage(hi);
  return { widen: hi, coverage: r.c, meanWidth: r.width };
}
