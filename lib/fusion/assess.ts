/**
 * Explained inference: a patient record (+ optionally one CT frame) → calibrated risk per head with
 * an uncertainty interval and category, embeddings, modality contributions (exact Shapley over
 * image / history / family / diet), tabular feature attributions (integrated gradients) and a
 * Grad-CAM saliency map. Every tensor is created inside tf.tidy, so tf.memory().numTensors returns
 * to its start value.
 *
 * Uncertainty interval: Monte-Carlo dropout over the fusion layer (the only stochastic layer):
 * `interval.samples` forward passes of the fusion tail with dropout on, the lower/upper quantiles
 * of the logits, widened about the point estimate by `interval.widen` (fitted on the validation
 * split so that ~90% of intervals contain the generator's true risk — possible only because the
 * cohort is synthetic) and then calibrated like the point estimate. It expresses model uncertainty
 * for this input; it is not a guarantee of coverage on real patients.
 */
import * as tf from "@tensorflow/tfjs";
import type { FusionRecordInput } from "@/lib/domain/record";
import type { AssessmentResult, ClinicalFactor, FeatureAttribution, HeadScore, ModalityGroup, SaliencyMap } from "@/lib/domain/assessment";
import { categoryFor } from "@/lib/domain/outcomes";
import { stages, layersOf, type ArchConfig } from "./architecture";
import { BLOCK_INDICES, FEATURES, encodeRecord, preprocessImage, type ImageInput } from "./encoders";
import type { FusionModel } from "./bundle";
import { currentBackend } from "./runtime";
import { OOD_FLAG, checkImage, type OodCheck } from "./ood";
import { clinicalFactors, inputsOutsideTraining } from "./factors";

export type AssessInput = {
  record: FusionRecordInput;
  /** one frame of modality values (HU for CT); omit for the record-only path */
  image?: ImageInput | null;
  /** frame index of the image within its series (echoed in the saliency map) */
  frame?: number;
};

export type AssessOptions = {
  /** skip explanations (Shapley, IG, Grad-CAM) — scores and embeddings only */
  explain?: boolean;
  /** integrated-gradients steps (default 32) */
  igSteps?: number;
  /** how many feature attributions to keep in `featureAttributions` (default 12) */
  topFeatures?: number;
};

const GROUPS: ModalityGroup[] = ["image", "history", "family", "diet"];
/** An input lies outside what the model saw in training (explanation.inputsOutsideTraining says which). */
export const INPUT_OUTSIDE_TRAINING_FLAG = "input_outside_training_range";
const now = () => performance.now();

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Exact Shapley values from the 2^n coalition values v[mask] (bit i = player i present). */
export function shapleyFromCoalitions(v: number[], n: number): number[] {
  const fact = [1];
  for (let i = 1; i <= n; i++) fact[i] = fact[i - 1] * i;
  const phi = new Array(n).fill(0);
  for (let i = 0; i < n; i++)
    for (let mask = 0; mask < 1 << n; mask++) {
      if (mask & (1 << i)) continue;
      let s = 0;
      for (let b = mask; b; b &= b - 1) s++;
      phi[i] += ((fact[s] * fact[n - s - 1]) / fact[n]) * (v[mask | (1 << i)] - v[mask]);
    }
  return phi;
}

function toSaliency(cam: Float32Array, size: number, head: string, frame: number): SaliencyMap {
  let mx = 0;
  for (const c of cam) if (c > mx) mx = c;
  const u8 = new Uint8Array(cam.length);
  if (mx > 0) for (let i = 0; i < cam.length; i++) u8[i] = Math.round((cam[i] / mx) * 255);
  return { width: size, height: size, data: Buffer.from(u8).toString("base64"), frame, head, method: "grad-cam" };
}

export async function assessWithModel(model: FusionModel, input: AssessInput, opts: AssessOptions = {}): Promise<AssessmentResult> {
  const t0 = now();
  const timings: Record<string, number> = {};
  const explain = opts.explain ?? true;
  const igSteps = opts.igSteps ?? 32;
  const { meta } = model;
  const heads = meta.heads;
  const H = heads.length;
  // the bundle's outcomes (labels, category thresholds), in head order: loadFusionBundle checked every head has them
  const outcome = new Map(model.outcomes.map((o) => [o.head, o]));

  let t = now();
  const enc = encodeRecord(input.record);
  timings.encode = now() - t;
  const flags = [...enc.flags];
  // inputs the model never saw in training are flagged on the score, never silently scored
  const outsideTraining = inputsOutsideTraining(enc, input.record.sex, meta.trainingInputs);
  if (outsideTraining.length) flags.push(INPUT_OUTSIDE_TRAINING_FLAG);

  let imageData: Float32Array | null = null;
  if (input.image) {
    t = now();
    const pre = preprocessImage(input.image, meta.arch.imageSize, model.spec.image.resize);
    imageData = pre.data;
    flags.push(...pre.flags);
    timings.preprocess = now() - t;
  }

  // out-of-distribution check: an image unlike the training images is not used (flagged)
  let imageCheck: OodCheck | null = null;
  if (imageData && model.ood && meta.arch.strategy === "joint") {
    t = now();
    const S0 = meta.arch.imageSize;
    const g0 = stages(meta.arch, layersOf(model.main));
    const img = imageData;
    const pooled = tf.tidy(() => g0.imagePooled(g0.featureMap(tf.tensor4d(img, [1, S0, S0, 1]))).dataSync() as Float32Array);
    imageCheck = checkImage(model.ood, pooled);
    timings.imageCheck = now() - t;
    if (!imageCheck.inDistribution) {
      flags.push(OOD_FLAG);
      imageData = null;
    }
  }
  const imageRejected = !!input.image && !imageData;

  // choose the path: joint with the image, else the record-only network (flagged)
  let cfg: ArchConfig = meta.arch;
  let net = model.main;
  let calib = meta.calibration.main;
  let path: AssessmentResult["path"] = "joint";
  if (!imageData) {
    if (model.tabular && meta.tabularArch && meta.calibration.tabular) {
      cfg = meta.tabularArch;
      net = model.tabular;
      calib = meta.calibration.tabular;
      path = "tabular_only";
      flags.push(imageRejected ? "image_not_used_tabular_path" : "no_image_tabular_path");
    } else {
      imageData = model.baselineImage;
      flags.push("no_image_baseline_image_used");
    }
  }
  if (cfg.strategy !== "joint" && cfg.strategy !== "tabular_only") throw new Error(`assess supports joint and tabular_only networks, not ${cfg.strategy}`);
  const hasImage = cfg.strategy === "joint";
  const g = stages(cfg, layersOf(net));
  const D = cfg.tabularDim;
  const S = cfg.imageSize;

  const scores: Record<string, HeadScore> = {};
  const modalityContributions: Record<string, Record<ModalityGroup, number>> = {};
  const baselineProbability: Record<string, number> = {};
  const attributionsByHead: Record<string, FeatureAttribution[]> = {};
  const factorsByHead: Record<string, ClinicalFactor[]> = {};
  const saliencyByHead: Record<string, SaliencyMap> = {};
  let embeddings: AssessmentResult["embeddings"] = { image: null, tabular: [], fused: null };

  tf.tidy(() => {
    const invT = tf.tensor1d(calib.temperature.map((x) => 1 / x));
    const calibrated = (logits: tf.Tensor) => tf.sigmoid(tf.mul(logits, invT));
    const tab = tf.tensor2d(enc.vector, [1, D]);
    const baseTab = tf.tensor2d(model.baselineTabular, [1, D]);

    // ---- forward ----
    t = now();
    const fmap = hasImage ? g.featureMap(tf.tensor4d(imageData!, [1, S, S, 1])) : null;
    const ie = fmap ? g.imageEmbedding(fmap) : null;
    const te = g.tabularEmbedding(tab);
    const fused = g.fused(ie, te);
    const logits = g.logits(fused);
    const prob = calibrated(logits).dataSync();
    const logitArr = logits.dataSync();
    timings.forward = now() - t;
    embeddings = { image: ie ? Array.from(ie.dataSync()) : null, tabular: Array.from(te.dataSync()), fused: hasImage ? Array.from(fused.dataSync()) : null };

    // ---- interval: MC dropout over the fusion layer ----
    t = now();
    const K = meta.interval.samples;
    const mc = g.logits(tf.tile(fused, [K, 1]), true).arraySync() as unknown as number[][];
    for (let h = 0; h < H; h++) {
      const ls = mc.map((r) => r[h]).sort((a, b) => a - b);
      const l = logitArr[h];
      const lo = l - meta.interval.widen * Math.max(0, l - quantile(ls, meta.interval.lowerQuantile));
      const hi = l + meta.interval.widen * Math.max(0, quantile(ls, meta.interval.upperQuantile) - l);
      const T = calib.temperature[h];
      const sig = (x: number) => 1 / (1 + Math.exp(-x / T));
      scores[heads[h]] = { probability: prob[h], interval: [Math.min(sig(lo), prob[h]), Math.max(sig(hi), prob[h])], category: categoryFor(prob[h], outcome.get(heads[h])!.categories) };
    }
    timings.interval = now() - t;
    if (!explain) return;

    // ---- exact Shapley over modality groups (baseline = training means) ----
    t = now();
    const players: ModalityGroup[] = hasImage ? GROUPS : GROUPS.slice(1);
    const n = players.length;
    const M = 1 << n;
    const mixTab = new Float32Array(M * D);
    const imgMask = new Float32Array(M);
    for (let mask = 0; mask < M; mask++) {
      for (let j = 0; j < D; j++) mixTab[mask * D + j] = model.baselineTabular[j];
      players.forEach((pl, i) => {
        if (!(mask & (1 << i))) return;
        if (pl === "image") imgMask[mask] = 1;
        else for (const j of BLOCK_INDICES[pl]) mixTab[mask * D + j] = enc.vector[j];
      });
    }
    let ieMix: tf.Tensor | null = null;
    let baseIe: tf.Tensor | null = null;
    if (hasImage) {
      baseIe = g.imageEmbedding(g.featureMap(tf.tensor4d(model.baselineImage, [1, S, S, 1])));
      const m = tf.tensor2d(imgMask, [M, 1]);
      ieMix = tf.add(tf.mul(m, ie!), tf.mul(tf.sub(1, m), baseIe));
    }
    const vAll = calibrated(g.logits(g.fused(ieMix, g.tabularEmbedding(tf.tensor2d(mixTab, [M, D]))))).arraySync() as number[][];
    for (let h = 0; h < H; h++) {
      const phi = shapleyFromCoalitions(vAll.map((r) => r[h]), n);
      const c = { image: 0, history: 0, family: 0, diet: 0 } as Record<ModalityGroup, number>;
      players.forEach((pl, i) => (c[pl] = phi[i]));
      modalityContributions[heads[h]] = c;
      baselineProbability[heads[h]] = vAll[0][h];
    }
    timings.shapley = now() - t;

    // ---- integrated gradients on the tabular input (image fixed), all heads in one backward ----
    t = now();
    const m = igSteps;
    const alphas = tf.tensor2d(Array.from({ length: m }, (_, k) => (k + 0.5) / m), [m, 1]);
    const diff = tf.sub(tab, baseTab);
    const path = tf.add(baseTab, tf.mul(alphas, diff)); // [m, D]
    const pathAll = tf.tile(path, [H, 1]); // [H*m, D], block h → head h
    const select = tf.oneHot(tf.tensor1d(Array.from({ length: H * m }, (_, i) => Math.floor(i / m)), "int32"), H).toFloat();
    const ieFixed = ie ? tf.tile(ie, [H * m, 1]) : null;
    const f = (x: tf.Tensor) => tf.sum(tf.mul(calibrated(g.logits(g.fused(ieFixed, g.tabularEmbedding(x)))), select));
    const grads = tf.grad(f)(pathAll); // [H*m, D]
    const avg = tf.mean(tf.reshape(grads, [H, m, D]), 1); // [H, D]
    const ig = tf.mul(avg, diff).arraySync() as number[][];
    for (let h = 0; h < H; h++) {
      const list: FeatureAttribution[] = FEATURES.map((fd, j) => ({
        feature: fd.name,
        label: fd.unit && !enc.display[j] ? `${fd.label} (${fd.unit})` : fd.label,
        value: enc.display[j],
        contribution: ig[h][j],
        direction: ig[h][j] >= 0 ? ("raises" as const) : ("lowers" as const),
      }))
        .filter((a) => Math.abs(a.contribution) > 1e-6)
        .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
      attributionsByHead[heads[h]] = list;
      factorsByHead[heads[h]] = clinicalFactors(heads[h], ig[h], enc, model.baselineTabular, { sex: input.record.sex });
    }
    timings.integratedGradients = now() - t;

    // ---- Grad-CAM at the last conv block, upsampled to the model's image resolution ----
    if (fmap) {
      t = now();
      for (let h = 0; h < H; h++) {
        const score = (A: tf.Tensor) => tf.sum(tf.slice(g.logits(g.fused(g.imageEmbedding(A), te)), [0, h], [1, 1]));
        const grad = tf.grad(score)(fmap); // [1, h, w, C]
        const weights = tf.mean(grad, [1, 2], true); // [1, 1, 1, C]
        const cam = tf.relu(tf.sum(tf.mul(weights, fmap), -1, true)); // [1, h, w, 1]
        const up = tf.image.resizeBilinear(cam as tf.Tensor4D, [S, S]);
        saliencyByHead[heads[h]] = toSaliency(up.dataSync() as Float32Array, S, heads[h], input.frame ?? 0);
      }
      timings.gradCam = now() - t;
    }
  });

  // headline choices: saliency of the head whose image contribution is largest
  const topHead = heads.reduce((a, b) => (Math.abs(modalityContributions[b]?.image ?? 0) > Math.abs(modalityContributions[a]?.image ?? 0) ? b : a), heads[0]);
  const headlineAttr = heads
    .flatMap((h) => (attributionsByHead[h] ?? []).slice(0, 6).map((a) => ({ ...a, feature: a.feature, label: `${a.label} — ${outcome.get(h)!.label}` })))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, opts.topFeatures ?? 12);
  timings.total = now() - t0;
  return {
    modelName: meta.name,
    modelVersion: meta.version,
    strategy: path === "joint" ? meta.arch.strategy : "tabular_only",
    backend: currentBackend(),
    path,
    scores,
    intervalMethod: `MC dropout (${meta.interval.samples} passes, rate ${meta.interval.rate}) over the fusion layer; ${Math.round((meta.interval.upperQuantile - meta.interval.lowerQuantile) * 100)}% quantiles of the logit widened ×${meta.interval.widen.toFixed(2)} (fitted on validation), then calibrated`,
    embeddings,
    explanation: {
      modalityContributions: modalityContributions[topHead] ?? { image: 0, history: 0, family: 0, diet: 0 },
      modalityContributionsHead: topHead,
      modalityContributionsByHead: modalityContributions,
      baselineProbability,
      featureAttributions: headlineAttr,
      featureAttributionsByHead: attributionsByHead,
      saliency: saliencyByHead[topHead] ?? null,
      saliencyByHead: Object.keys(saliencyByHead).length ? saliencyByHead : undefined,
      imageCheck,
      ...(explain ? { factorsByHead } : {}),
      inputsOutsideTraining: outsideTraining,
    },
    timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 100) / 100])),
    flags,
  };
}

/** Calibrated probabilities only, for a batch (evaluation / benchmarks): no explanations. */
export function predictBatch(model: FusionModel, images: Float32Array | null, tabular: Float32Array, n: number, which: "main" | "tabular" = "main"): number[][] {
  const cfg = which === "main" ? model.meta.arch : model.meta.tabularArch!;
  const net = which === "main" ? model.main : model.tabular!;
  const calib = which === "main" ? model.meta.calibration.main : model.meta.calibration.tabular!;
  return tf.tidy(() => {
    const ins: tf.Tensor[] = [];
    if (cfg.strategy !== "tabular_only") ins.push(tf.tensor4d(images!, [n, cfg.imageSize, cfg.imageSize, 1]));
    if (cfg.strategy !== "image_only") ins.push(tf.tensor2d(tabular, [n, cfg.tabularDim]));
    const out = net.predict(ins.length === 1 ? ins[0] : ins);
    const logits = Array.isArray(out) ? out[0] : out; // [logits, auxiliary image targets]
    return tf.sigmoid(tf.div(logits, tf.tensor1d(calib.temperature))).arraySync() as number[][];
  });
}
