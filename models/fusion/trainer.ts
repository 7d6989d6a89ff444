/**
 * Bit-reproducible training loop for the fusion networks of lib/fusion/architecture.ts on snapshot
 * data (snapshot.ts). Every source of randomness is drawn from one seeded generator (rng.ts) in a
 * fixed order — weight initialisation (seeded initialisers), the shuffle of each epoch, the dropout
 * mask of every batch and the modality-dropout choice of every row — so two runs with the same seed
 * on the same backend produce the same weights bit for bit. (TensorFlow.js's own dropout layer
 * draws from an unseeded generator, or repeats one mask when seeded; it is bypassed: the fusion
 * layer's dropout is applied here with masks from the seeded generator.)
 *
 * Labels may be unknown (NaN: follow-up not complete): the loss is the mean binary cross-entropy
 * over known (row, head) pairs. Modality dropout (joint only): with probability `modalityDropout`
 * a training row's image embedding is zeroed — exactly what the network sees for a row without an
 * image — so the joint network learns to score a record without its image.
 */
import * as tf from "@tensorflow/tfjs";
import { buildFusionModel, layersOf, stages, usesImage, usesTabular, type ArchConfig } from "@/lib/fusion/architecture";
import { mulberry32 } from "./rng";

export type NetData = {
  n: number;
  tab: Float32Array; // n × D
  images: Float32Array | null; // n × S², zeros for rows without an image
  hasImage: Uint8Array;
  labels: Float32Array; // n × H, NaN = unknown
  aux: Float32Array | null; // n × A, NaN = unknown
  auxDim: number;
  /** image used where a row has none (training-set mean), so batch statistics stay image-like */
  fillImage?: Float32Array | null;
};

export type NetTrainOptions = {
  epochs: number;
  batchSize: number;
  lr: number;
  patience: number;
  seed: number;
  /** joint only: probability that a training row's image embedding is zeroed */
  modalityDropout?: number;
  auxWeight?: number;
  /** layer-name prefixes kept frozen (e.g. ["img_"]: train the fusion on a fixed image branch) */
  freeze?: string[];
  /** start from these weights (same architecture) */
  init?: tf.LayersModel;
  signal?: AbortSignal;
  onEpoch?: (e: { epoch: number; trainLoss: number; valLoss: number; best: boolean; seconds: number }) => void;
  onBatch?: (b: { epoch: number; batch: number; batches: number }) => void;
};

export type NetTrainResult = {
  model: tf.LayersModel;
  cfg: ArchConfig;
  epochsRun: number;
  bestEpoch: number;
  bestValLoss: number;
  seconds: number;
  samplesPerSecond: number;
  history: { epoch: number; trainLoss: number; valLoss: number }[];
  trainRows: number;
  valRows: number;
};

export class TrainingCancelled extends Error {
  constructor() {
    super("training cancelled");
    this.name = "TrainingCancelled";
  }
}

/** Rows a network of this strategy can learn from: image strategies need the image (joint with modality dropout does not). */
export function usableRows(cfg: ArchConfig, d: NetData, rows: readonly number[], modalityDropout = 0): number[] {
  const needsImage = usesImage(cfg.strategy) && !(cfg.strategy === "joint" && modalityDropout > 0);
  const H = cfg.heads.length;
  return rows.filter((i) => (!needsImage || d.hasImage[i] === 1) && Array.from({ length: H }, (_, h) => d.labels[i * H + h]).some((y) => !Number.isNaN(y)));
}

type Batch = { img: tf.Tensor4D | null; tab: tf.Tensor2D | null; y: tf.Tensor2D; m: tf.Tensor2D; keepImg: tf.Tensor2D | null; aux: tf.Tensor2D | null; auxM: tf.Tensor2D | null };

function makeBatch(cfg: ArchConfig, d: NetData, ids: readonly number[], keep: Float32Array | null): Batch {
  const b = ids.length, H = cfg.heads.length, D = cfg.tabularDim, S = cfg.imageSize, A = d.auxDim;
  const y = new Float32Array(b * H), m = new Float32Array(b * H);
  ids.forEach((i, r) => {
    for (let h = 0; h < H; h++) {
      const v = d.labels[i * H + h];
      if (!Number.isNaN(v)) {
        y[r * H + h] = v;
        m[r * H + h] = 1;
      }
    }
  });
  let img: tf.Tensor4D | null = null;
  if (usesImage(cfg.strategy)) {
    const px = new Float32Array(b * S * S);
    ids.forEach((i, r) => {
      if (d.hasImage[i]) px.set(d.images!.subarray(i * S * S, (i + 1) * S * S), r * S * S);
      else if (d.fillImage) px.set(d.fillImage, r * S * S);
    });
    img = tf.tensor4d(px, [b, S, S, 1]);
  }
  let tab: tf.Tensor2D | null = null;
  if (usesTabular(cfg.strategy)) {
    const t = new Float32Array(b * D);
    ids.forEach((i, r) => t.set(d.tab.subarray(i * D, (i + 1) * D), r * D));
    tab = tf.tensor2d(t, [b, D]);
  }
  let aux: tf.Tensor2D | null = null, auxM: tf.Tensor2D | null = null;
  if (A && cfg.auxOutputs && d.aux) {
    const a = new Float32Array(b * A), am = new Float32Array(b * A);
    ids.forEach((i, r) => {
      for (let k = 0; k < A; k++) {
        const v = d.aux![i * A + k];
        if (d.hasImage[i] && !Number.isNaN(v)) {
          a[r * A + k] = v;
          am[r * A + k] = 1;
        }
      }
    });
    aux = tf.tensor2d(a, [b, A]);
    auxM = tf.tensor2d(am, [b, A]);
  }
  return { img, tab, y: tf.tensor2d(y, [b, H]), m: tf.tensor2d(m, [b, H]), keepImg: keep ? tf.tensor2d(keep, [b, 1]) : null, aux, auxM };
}

const disposeBatch = (x: Batch) => {
  for (const t of [x.img, x.tab, x.y, x.m, x.keepImg, x.aux, x.auxM]) t?.dispose();
};

/** Forward pass through the staged graph: logits and (when the model has one) the auxiliary output. */
function forward(cfg: ArchConfig, model: tf.LayersModel, x: Batch, training: boolean, dropMask: tf.Tensor | null): { logits: tf.Tensor2D; aux: tf.Tensor2D | null } {
  const L = layersOf(model);
  const g = stages(cfg, L);
  let ie: tf.Tensor | null = null;
  let fused: tf.Tensor;
  if (cfg.strategy === "early") {
    ie = g.pooledEarly(g.featureMap(x.img!, x.tab!, training));
    fused = g.fused(ie, null);
  } else {
    ie = x.img ? g.imageEmbedding(g.featureMap(x.img, undefined, training)) : null;
    const ieUsed = ie && x.keepImg ? tf.mul(ie, x.keepImg) : ie;
    fused = g.fused(ieUsed, x.tab ? g.tabularEmbedding(x.tab) : null);
  }
  const z = dropMask ? tf.mul(fused, dropMask) : fused;
  const logits = L.heads.apply(z) as tf.Tensor2D;
  const aux = ie && L.img_aux ? (L.img_aux.apply(ie) as tf.Tensor2D) : null;
  return { logits, aux };
}

/** Mean binary cross-entropy over the known labels (m = 1). */
function maskedBce(logits: tf.Tensor, y: tf.Tensor, m: tf.Tensor): tf.Scalar {
  const l = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.div(tf.sum(tf.mul(l, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
}

/**
 * Logits for `rows` (rows × H), in batches, without dropout. `missingImage`: rows without an
 * image get a zeroed image embedding (joint networks trained with modality dropout); `dropImage`
 * treats every row as imageless (the "joint without its image" comparison).
 */
export function predictRows(model: tf.LayersModel, cfg: ArchConfig, d: NetData, rows: readonly number[], opts: { zeroMissingImage?: boolean; dropImage?: boolean } = {}, batch = 256): Float32Array {
  const H = cfg.heads.length;
  const out = new Float32Array(rows.length * H);
  for (let s = 0; s < rows.length; s += batch) {
    const ids = rows.slice(s, s + batch);
    const keep = cfg.strategy === "joint" && (opts.zeroMissingImage || opts.dropImage) ? Float32Array.from(ids, (i) => (opts.dropImage ? 0 : d.hasImage[i])) : null;
    const x = makeBatch(cfg, d, ids, keep);
    const r = tf.tidy(() => forward(cfg, model, x, false, null).logits.dataSync() as Float32Array);
    disposeBatch(x);
    out.set(r, s * H);
  }
  return out;
}

/** The image branch's pooled last-conv features (img_pool) of `rows` — frozen features for the strong early baseline. */
export function pooledImageFeatures(model: tf.LayersModel, cfg: ArchConfig, d: NetData, rows: readonly number[], batch = 256): { dim: number; values: Float32Array } {
  const g = stages(cfg, layersOf(model));
  const dim = 2 * cfg.convFilters[cfg.convFilters.length - 1];
  const out = new Float32Array(rows.length * dim);
  const imgCfg = { ...cfg, strategy: "image_only" as const };
  for (let s = 0; s < rows.length; s += batch) {
    const ids = rows.slice(s, s + batch);
    const x = makeBatch(imgCfg, d, ids, null);
    out.set(tf.tidy(() => g.imagePooled(g.featureMap(x.img!)).dataSync() as Float32Array), s * dim);
    disposeBatch(x);
  }
  return { dim, values: out };
}

function meanMaskedBce(logits: Float32Array, d: NetData, rows: readonly number[], H: number): number {
  let s = 0, n = 0;
  rows.forEach((i, r) => {
    for (let h = 0; h < H; h++) {
      const y = d.labels[i * H + h];
      if (Number.isNaN(y)) continue;
      const z = logits[r * H + h];
      s += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      n++;
    }
  });
  return n ? s / n : NaN;
}

export async function trainNetwork(cfg: ArchConfig, d: NetData, trainRows: readonly number[], valRows: readonly number[], o: NetTrainOptions): Promise<NetTrainResult> {
  const md = cfg.strategy === "joint" ? (o.modalityDropout ?? 0) : 0;
  const train = usableRows(cfg, d, trainRows, md);
  const val = usableRows(cfg, d, valRows, md);
  if (!train.length || !val.length) throw new Error(`${cfg.strategy}: no usable training (${train.length}) or validation (${val.length}) rows`);
  const model = buildFusionModel(cfg);
  if (o.init) model.setWeights(o.init.getWeights());
  const H = cfg.heads.length;
  const rng = mulberry32(o.seed >>> 0);
  const frozen = (name: string) => (o.freeze ?? []).some((p) => name.startsWith(p));
  const vars = model.trainableWeights.filter((w) => !frozen(w.originalName.split("/")[0])).map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(o.lr);
  const auxWeight = o.auxWeight ?? 1;
  // a frozen image branch keeps its batch-normalisation statistics too
  const bnTraining = !frozen("img_bn1");
  const history: NetTrainResult["history"] = [];
  let best = { loss: Infinity, epoch: 0, weights: [] as tf.Tensor[] };
  let bad = 0, seen = 0, epoch = 0;
  const t0 = performance.now();
  try {
    for (epoch = 1; epoch <= o.epochs; epoch++) {
      const te = performance.now();
      const perm = [...train];
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const batches = Math.ceil(perm.length / o.batchSize);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) throw new TrainingCancelled();
        const ids = perm.slice(b * o.batchSize, (b + 1) * o.batchSize);
        // draws in a fixed order: modality dropout per row, then the fusion-layer dropout mask
        const keep = cfg.strategy === "joint" ? Float32Array.from(ids, (i) => (d.hasImage[i] && !(md > 0 && rng.next() < md) ? 1 : 0)) : null;
        const mask = new Float32Array(ids.length * cfg.fusedDim);
        for (let k = 0; k < mask.length; k++) mask[k] = rng.next() < cfg.dropout ? 0 : 1 / (1 - cfg.dropout);
        const x = makeBatch(cfg, d, ids, keep);
        const dropMask = tf.tensor2d(mask, [ids.length, cfg.fusedDim]);
        let outcomeLoss = 0;
        const cost = optimizer.minimize(
          () => {
            const f = forward(cfg, model, x, bnTraining, dropMask);
            const l = maskedBce(f.logits, x.y, x.m);
            outcomeLoss = (l.dataSync() as Float32Array)[0];
            if (f.aux && x.aux && x.auxM) {
              const se = tf.mul(tf.square(tf.sub(f.aux, x.aux)), x.auxM);
              return tf.add(l, tf.mul(tf.div(tf.sum(se), tf.maximum(tf.sum(x.auxM), 1)), auxWeight)) as tf.Scalar;
            }
            return l;
          },
          true,
          vars,
        );
        cost?.dispose();
        disposeBatch(x);
        dropMask.dispose();
        lossSum += outcomeLoss;
        seen += ids.length;
        o.onBatch?.({ epoch, batch: b + 1, batches });
        if (b % 8 === 7) await new Promise((r) => setImmediate(r)); // let a job's cancel / heartbeat run
      }
      const valLoss = meanMaskedBce(predictRows(model, cfg, d, val, { zeroMissingImage: md > 0 }), d, val, H);
      const trainLoss = lossSum / batches;
      history.push({ epoch, trainLoss, valLoss });
      const improved = valLoss < best.loss - 1e-5;
      if (improved) {
        tf.dispose(best.weights);
        best = { loss: valLoss, epoch, weights: model.getWeights().map((w) => w.clone()) };
        bad = 0;
      } else bad++;
      o.onEpoch?.({ epoch, trainLoss, valLoss, best: improved, seconds: (performance.now() - te) / 1000 });
      if (bad >= o.patience) break;
    }
    if (best.weights.length) model.setWeights(best.weights);
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    tf.dispose(best.weights);
    optimizer.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { model, cfg, epochsRun: Math.min(epoch, o.epochs), bestEpoch: best.epoch, bestValLoss: best.loss, seconds, samplesPerSecond: seen / seconds, history, trainRows: train.length, valRows: val.length };
}
