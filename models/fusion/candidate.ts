/**
 * Training a candidate model from a snapshot (snapshot.ts), one strategy per candidate:
 *
 *   tabular_only  record features → MLP (also trained for every other strategy: the fallback for
 *                 assessments without a usable image, as the served runtime does)
 *   image_only    image → CNN
 *   joint         image → CNN ┐, record → MLP ┘ → fusion → heads, trained end to end with modality
 *                 dropout (a training row's image embedding is zeroed with probability
 *                 `modalityDropout`, so the network also scores a record without its image)
 *   early         record features tiled as extra image channels → CNN
 *   late          image_only and tabular_only logits stacked per head by logistic regression on validation
 *   early_strong  the strong early-fusion baseline: L2 logistic regression per head on [record
 *                 features ‖ frozen image-branch features] (the pooled last-conv features of an
 *                 image_only network trained on the same training patients), the penalty chosen on
 *                 validation log-loss
 *
 * Patient-level split by hash (split.ts); early stopping and temperature scaling (per head) on the
 * validation patients; the evaluation (evaluation.ts) on the test patients. Bit-reproducible on
 * one backend (trainer.ts). Only `joint` candidates are servable by lib/fusion (assess runs joint
 * networks with a record-only fallback); the others are baselines for the comparison.
 */
import * as tf from "@tensorflow/tfjs";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_ARCH, type ArchConfig, type NetStrategy } from "@/lib/fusion/architecture";
import { loadLayersModelFromDir, saveLayersModel } from "@/lib/fusion/artifacts";
import { encodeFloat32, type InferenceMeta } from "@/lib/fusion/bundle";
import { encoderSpec, type ImageResize } from "@/lib/fusion/encoders";
import { mahalanobis, type OodReference } from "@/lib/fusion/ood";
import { initBackend, type BackendName } from "@/lib/fusion/runtime";
import { trainingInputsFromRows } from "./training-inputs";
import { HEAD_LABELS } from "./cohort";
import { evaluateModels, decisionFor, type EvaluationReport } from "./evaluation";
import { fitLogisticRegression, logisticLogits, standardizer, standardize, type LogisticModel } from "./logistic";
import { fitTemperature, fitLogistic } from "./metrics";
import { fitMahalanobis, quantile } from "./ood-fit";
import { loadSnapshot, type Snapshot } from "./snapshot";
import { COLUMN_SPLIT_METHOD, DEFAULT_SPLIT, SPLIT_METHOD, splitFromColumn, splitRows, type SplitFractions } from "./split";
import { fitIntervalWidening, mcDropoutQuantiles } from "./train";
import { loadScorer } from "./scorer";
import { pooledImageFeatures, predictRows, trainNetwork, type NetData, type NetTrainResult } from "./trainer";

export const STRATEGIES = ["joint", "early", "late", "image_only", "tabular_only", "early_strong"] as const;
export type Strategy = (typeof STRATEGIES)[number];
export const CANDIDATE_FORMAT = "fusion-candidate/1";

export type Progress = { epoch: number; epochs: number; loss: number; valLoss?: number; etaSeconds?: number; phase: string };

export type CandidateOptions = {
  snapshotPath: string;
  strategy: Strategy;
  seed: number;
  /** most epochs per network (early stopping usually ends sooner) */
  epochs?: number;
  outDir: string;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  name?: string;
  version?: string;
  batchSize?: number;
  lr?: number;
  patience?: number;
  /** joint: probability of zeroing a training row's image embedding (default 0.3) */
  modalityDropout?: number;
  split?: SplitFractions;
  arch?: Partial<ArchConfig>;
  /** reuse networks already trained with the same snapshot, seed and split: candidate dirs */
  components?: Partial<Record<"tabular_only" | "image_only", string>>;
  /**
   * image_only / late / early_strong: take the image network from this bundle, frozen, instead of
   * training one — a candidate dir or a served bundle's comparison network (`<dir>#image_only`,
   * e.g. the active version's image branch). Its image size and preprocessing must match the snapshot's.
   */
  imageBackbone?: string;
  bootstrapB?: number;
  /** explicit partitions (snapshot row indices) instead of the hash split — cross-validation folds */
  rows?: Record<"train" | "val" | "test", number[]>;
  /** an already loaded snapshot (the CLI trains several strategies from one read) */
  snapshot?: Snapshot;
  /** training backend order (default: tfjs-node, then wasm for networks without convolutions, then cpu) */
  backend?: BackendName;
};

type NetName = "tabular_only" | "image_only" | "joint" | "early";
type NetEntry = { file: string; arch: ArchConfig; temperature: number[]; training: Omit<NetTrainResult, "model" | "cfg"> | { reusedFrom: string } };

export type CandidateManifest = {
  format: typeof CANDIDATE_FORMAT;
  name: string;
  version: string;
  strategy: Strategy;
  servable: boolean;
  createdAt: string;
  heads: string[];
  headLabels: Record<string, string>;
  features: string[];
  encoderFeatures: boolean;
  /** generic (non-encoder) features are standardised with these training-row statistics */
  tabScaling: { mean: number[]; sd: number[] } | null;
  imageSize: number | null;
  imageSpec: Snapshot["imageSpec"];
  snapshot: { sha256: string; rows: number; file: string; provenance: Record<string, unknown> | null };
  seed: number;
  split: { method: string; fractions: SplitFractions; rows: Record<"train" | "val" | "test", number>; patients: Record<"train" | "val" | "test", number> };
  training: { backend: string; machine: string; node: string; tfjs: string; codeCommit: string | null; options: Record<string, unknown>; seconds: number };
  networks: Partial<Record<NetName, NetEntry>>;
  late?: { stacker: number[][]; form: string };
  earlyStrong?: { file: string; tabularDim: number; imageFeatureDim: number; imageFeatures: string; l2: number[]; temperature: number[]; form: string };
  deployment: { withImage: string; withoutImage: string };
  weightFiles: Record<string, string>;
  weightsSha256: string;
};

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** SHA-256 over the bundle's parameter files (*.bin), in sorted path order: the candidate's weight identity. */
export async function weightsDigest(dir: string): Promise<{ files: Record<string, string>; sha256: string }> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith(".bin")) found.push(path.relative(dir, p));
    }
  };
  await walk(dir);
  found.sort();
  const all = createHash("sha256");
  const files: Record<string, string> = {};
  for (const f of found) {
    const b = await readFile(path.join(dir, f));
    files[f] = sha256(b);
    all.update(b);
  }
  return { files, sha256: all.digest("hex") };
}

const netSeed = (seed: number, name: string) => (seed * 31 + [...name].reduce((s, c) => (s * 131 + c.charCodeAt(0)) >>> 0, 7)) >>> 0;
const needsImage = (s: Strategy) => s !== "tabular_only";
const needsConvTraining = (s: Strategy, o: CandidateOptions) => (s === "image_only" || s === "late" || s === "early_strong" ? !o.components?.image_only && !o.imageBackbone : s === "joint" || s === "early");

function netData(s: Snapshot, tab: Float32Array, fillImage: Float32Array | null): NetData {
  return { n: s.n, tab, images: s.images, hasImage: s.hasImage, labels: s.labels, aux: s.aux?.values ?? null, auxDim: s.aux?.names.length ?? 0, fillImage };
}

function column(a: ArrayLike<number>, rows: number, H: number, h: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, i) => a[i * H + h]);
}

/** Temperature per head on the rows with a known label. */
function temperatures(logits: Float32Array, labels: Float32Array, rows: readonly number[], H: number): number[] {
  return Array.from({ length: H }, (_, h) => {
    const y: number[] = [], z: number[] = [];
    rows.forEach((r, k) => {
      const v = labels[r * H + h];
      if (!Number.isNaN(v)) {
        y.push(v);
        z.push(logits[k * H + h]);
      }
    });
    return y.length ? fitTemperature(y, z) : 1;
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const calibrated = (logits: ArrayLike<number>, T: number[]) => Float64Array.from({ length: logits.length }, (_, i) => sigmoid(logits[i] / T[i % T.length]));

/** A progress reporter: global epoch counter across networks, ETA from the mean epoch time so far. */
function progressTracker(onProgress: CandidateOptions["onProgress"], totalEpochs: number) {
  const t0 = performance.now();
  let done = 0, lastEmit = 0, last: Progress = { epoch: 0, epochs: totalEpochs, loss: NaN, phase: "start" };
  const eta = (epochPos: number) => (epochPos > 0 ? (((performance.now() - t0) / 1000) * (totalEpochs - epochPos)) / epochPos : undefined);
  return {
    phase(phase: string) {
      last = { ...last, phase, epoch: done, etaSeconds: eta(done) };
      onProgress?.(last);
    },
    batch(phase: string, epoch: number, batch: number, batches: number) {
      if (performance.now() - lastEmit < 2000) return;
      lastEmit = performance.now();
      const pos = done + (epoch - 1) + batch / batches;
      onProgress?.({ ...last, phase, epoch: pos, etaSeconds: eta(pos) });
    },
    epoch(phase: string, e: { epoch: number; trainLoss: number; valLoss: number }) {
      last = { phase, epoch: done + e.epoch, epochs: totalEpochs, loss: e.trainLoss, valLoss: e.valLoss, etaSeconds: eta(done + e.epoch) };
      onProgress?.(last);
    },
    /** a network stopped after `run` of its `planned` epochs: the rest of its budget is dropped */
    finished(run: number, planned: number) {
      done += run;
      totalEpochs -= planned - run;
      last = { ...last, epoch: done, epochs: totalEpochs };
    },
  };
}

/** A frozen image network from another bundle (candidate dir, or `<served bundle>#image_only`). */
async function loadBackbone(spec: string, snap: Snapshot): Promise<{ model: tf.LayersModel; entry: NetEntry }> {
  const [dirRaw] = spec.split("#");
  const dir = path.resolve(dirRaw);
  let file: string, arch: ArchConfig, resize: string | undefined;
  const cand = await readFile(path.join(dir, "candidate.json"), "utf8").then((t) => JSON.parse(t) as CandidateManifest).catch(() => null);
  if (cand) {
    const e = cand.networks.image_only;
    if (!e) throw new Error(`image backbone ${spec}: that candidate has no image_only network`);
    ({ file, arch } = e);
    resize = cand.imageSpec?.resize as string | undefined;
  } else {
    const strategies = JSON.parse(await readFile(path.join(dir, "strategies.json"), "utf8").catch(() => "{}")) as Record<string, { file?: string; arch?: ArchConfig }>;
    const e = strategies.image_only;
    if (!e?.file || !e.arch) throw new Error(`image backbone ${spec}: no image_only network (strategies.json) in ${dir}`);
    ({ file, arch } = e as { file: string; arch: ArchConfig });
    resize = (JSON.parse(await readFile(path.join(dir, "encoders.json"), "utf8")) as { image?: { resize?: string } }).image?.resize;
  }
  if (arch.imageSize !== snap.imageSize) throw new Error(`image backbone ${spec} reads ${arch.imageSize}² images; the snapshot has ${snap.imageSize}²`);
  if (resize && snap.imageSpec?.resize && resize !== snap.imageSpec.resize) throw new Error(`image backbone ${spec} was trained with "${resize}" image preprocessing; the snapshot's images are "${snap.imageSpec.resize}"`);
  const model = await loadLayersModelFromDir(path.join(dir, path.dirname(file)), path.basename(file));
  const weights = await readFile(path.join(dir, path.dirname(file), path.basename(file) === "model" ? "weights.bin" : `${path.basename(file)}.weights.bin`));
  return { model, entry: { file: "image_only", arch: { ...arch, heads: [...arch.heads] }, temperature: [], training: { reusedFrom: `${dir} (${path.basename(file)}, weights sha256 ${sha256(weights)}), frozen` } } };
}

async function loadComponent(dir: string, name: "tabular_only" | "image_only", snap: Snapshot, seed: number): Promise<{ model: tf.LayersModel; entry: NetEntry }> {
  const m = JSON.parse(await readFile(path.join(dir, "candidate.json"), "utf8")) as CandidateManifest;
  if (m.snapshot.sha256 !== snap.sha256 || m.seed !== seed) throw new Error(`component ${dir} was trained on another snapshot or seed (${m.snapshot.sha256.slice(0, 12)}, seed ${m.seed})`);
  const entry = m.networks[name];
  if (!entry) throw new Error(`component ${dir} has no ${name} network`);
  const model = await loadLayersModelFromDir(path.join(dir, path.dirname(entry.file)), path.basename(entry.file));
  return { model, entry: { ...entry, training: { reusedFrom: path.resolve(dir) } } };
}

export type Trained = {
  manifest: CandidateManifest;
  snapshot: Snapshot;
  split: Record<"train" | "val" | "test", number[]>;
  /** calibrated test probabilities of the candidate's strategy (test rows × H) */
  testPreds: Float64Array;
  extraTestPreds: Record<string, Float64Array>;
  missingImage: { rows: number[]; preds: Record<string, Float64Array> } | null;
};

export async function trainCandidateBundle(o: CandidateOptions): Promise<Trained> {
  const t0 = performance.now();
  const epochs = o.epochs ?? 20;
  const batchSize = o.batchSize ?? 64;
  const lr = o.lr ?? 0.002;
  const patience = o.patience ?? 4;
  const md = o.modalityDropout ?? 0.3;
  const fractions = o.split ?? DEFAULT_SPLIT;
  const strategy = o.strategy;
  if (!STRATEGIES.includes(strategy)) throw new Error(`unknown strategy ${strategy} (${STRATEGIES.join(", ")})`);
  const backend = await initBackend(o.backend ? { order: [o.backend] } : needsConvTraining(strategy, o) ? { needsTraining: true } : { order: ["tensorflow", "wasm", "cpu"] });
  const nets: NetName[] = ["tabular_only", ...((strategy === "image_only" || strategy === "late" || strategy === "early_strong" ? ["image_only"] : strategy === "joint" ? ["joint"] : strategy === "early" ? ["early"] : []) as NetName[])];
  const track = progressTracker(o.onProgress, nets.length * epochs);
  track.phase("load snapshot");
  const snap = o.snapshot ?? (await loadSnapshot(o.snapshotPath, { withImages: needsImage(strategy) }));
  if (needsImage(strategy) && (!snap.images || !snap.imageSize)) throw new Error(`strategy ${strategy} needs images, but the snapshot has no ${"image_input"} values`);
  const H = snap.heads.length, D = snap.features.length;
  const split = o.rows ?? (snap.partition ? splitFromColumn(snap.patient, snap.partition) : splitRows(snap.patient, o.seed, fractions));
  for (const k of ["train", "val", "test"] as const) if (!split[k].length) throw new Error(`the patient-level split left no ${k} rows (snapshot of ${snap.n} rows)`);

  // generic (non-encoder) record features: standardised on the training rows
  let tab = snap.tab;
  let tabScaling: CandidateManifest["tabScaling"] = null;
  if (!snap.encoderFeatures) {
    const st = standardizer(snap.tab, D, split.train);
    tab = Float32Array.from(standardize(snap.tab, D, st));
    tabScaling = { mean: Array.from(st.mean), sd: Array.from(st.sd) };
  }
  const S = snap.imageSize ?? 0;
  let fill: Float32Array | null = null;
  if (snap.images && S) {
    fill = new Float32Array(S * S);
    let k = 0;
    for (const i of split.train) if (snap.hasImage[i]) k++;
    for (const i of split.train) if (snap.hasImage[i]) for (let j = 0; j < S * S; j++) fill[j] += snap.images[i * S * S + j] / k;
  }
  const data = netData(snap, tab, fill);
  const base: Omit<ArchConfig, "strategy"> = { ...DEFAULT_ARCH, imageSize: S || 64, tabularDim: D, heads: [...snap.heads], auxOutputs: snap.aux?.names.length ?? 0, seed: 1, ...(o.arch ?? {}) };

  await mkdir(o.outDir, { recursive: true });
  const trained: Partial<Record<NetName, { model: tf.LayersModel; entry: NetEntry; val: Float32Array; test: Float32Array }>> = {};
  const fileOf: Record<NetName, string> = { tabular_only: "tabular", image_only: "image_only", joint: "model", early: "early" };
  try {
    for (const name of nets) {
      const reuse = name === "tabular_only" || name === "image_only" ? o.components?.[name] : undefined;
      let model: tf.LayersModel, entry: NetEntry;
      if (name === "image_only" && o.imageBackbone) {
        track.phase(`image backbone from ${o.imageBackbone}`);
        ({ model, entry } = await loadBackbone(o.imageBackbone, snap));
        if (entry.arch.heads.join(",") !== snap.heads.join(",")) throw new Error(`image backbone ${o.imageBackbone} has heads ${entry.arch.heads.join(", ")}; the snapshot has ${snap.heads.join(", ")}`);
        track.finished(0, epochs);
      } else if (reuse) {
        track.phase(`reuse ${name} from ${reuse}`);
        ({ model, entry } = await loadComponent(reuse, name as "tabular_only" | "image_only", snap, o.seed));
        track.finished(0, epochs);
      } else {
        const cfg: ArchConfig = { ...base, strategy: name as NetStrategy, auxOutputs: name === "tabular_only" ? 0 : base.auxOutputs, seed: netSeed(o.seed, name) % 100000 };
        track.phase(`train ${name}`);
        const r = await trainNetwork(cfg, data, split.train, split.val, {
          epochs,
          batchSize,
          lr,
          patience,
          seed: netSeed(o.seed, `${name}:loop`),
          modalityDropout: name === "joint" ? md : 0,
          signal: o.signal,
          onBatch: ({ epoch, batch, batches }) => track.batch(`train ${name}`, epoch, batch, batches),
          onEpoch: (e) => track.epoch(`train ${name}`, e),
        });
        track.finished(r.epochsRun, epochs);
        model = r.model;
        const { model: _m, cfg: _c, ...stats } = r;
        entry = { file: fileOf[name], arch: cfg, temperature: [], training: stats };
      }
      const valRows = name === "tabular_only" || (name === "joint" && md > 0) ? split.val : split.val.filter((i) => snap.hasImage[i]);
      const testRows = name === "tabular_only" || (name === "joint" && md > 0) ? split.test : split.test.filter((i) => snap.hasImage[i]);
      const val = predictRows(model, entry.arch, data, valRows, { zeroMissingImage: name === "joint" });
      const test = predictRows(model, entry.arch, data, testRows, { zeroMissingImage: name === "joint" });
      if (!entry.temperature.length || o.imageBackbone) entry.temperature = temperatures(val, snap.labels, valRows, H);
      trained[name] = { model, entry, val, test };
      await saveLayersModel(model, o.outDir, fileOf[name]);
    }
    track.phase("combine and calibrate");

    // ---- the parameters that combine networks (late stacker, strong early baseline)
    const tabNet = trained.tabular_only!;
    const testImg = split.test.filter((i) => snap.hasImage[i]);
    const valImg = split.val.filter((i) => snap.hasImage[i]);
    let late: CandidateManifest["late"];
    let earlyStrong: CandidateManifest["earlyStrong"];
    if (strategy === "late") {
      // rows with an image in validation: stack the two networks' logits per head
      const img = trained.image_only!;
      const tabValImg = predictRows(tabNet.model, tabNet.entry.arch, data, valImg);
      const stacker = Array.from({ length: H }, (_, h) => {
        const X: number[][] = [], y: number[] = [];
        valImg.forEach((r, k) => {
          const v = snap.labels[r * H + h];
          if (!Number.isNaN(v)) {
            X.push([img.val[k * H + h], tabValImg[k * H + h]]);
            y.push(v);
          }
        });
        return fitLogistic(X, y);
      });
      late = { stacker, form: "p = σ(w0 + w1·logit_image_only + w2·logit_tabular_only), per head, fitted on validation rows with an image; late.bin = w0, w1, w2 per head (float64)" };
      await writeFile(path.join(o.outDir, "late.bin"), Buffer.from(Float64Array.from(stacker.flat()).buffer));
    } else if (strategy === "early_strong") {
      // L2 logistic regression on [record ‖ frozen pooled image features], penalty chosen on validation
      const img = trained.image_only!;
      const trImg = split.train.filter((i) => snap.hasImage[i]);
      const rowsAll = [...trImg, ...valImg];
      const feats = pooledImageFeatures(img.model, img.entry.arch, data, rowsAll);
      const P = D + feats.dim;
      const X = new Float64Array(rowsAll.length * P);
      rowsAll.forEach((r, k) => {
        for (let j = 0; j < D; j++) X[k * P + j] = tab[r * D + j];
        for (let j = 0; j < feats.dim; j++) X[k * P + D + j] = feats.values[k * feats.dim + j];
      });
      const trPos = trImg.map((_, k) => k), vaPos = valImg.map((_, k) => trImg.length + k);
      const st = standardizer(X, P, trPos);
      const Z = standardize(X, P, st);
      const models: LogisticModel[] = [];
      for (let h = 0; h < H; h++) {
        const yAll = Float64Array.from(rowsAll, (r) => snap.labels[r * H + h]);
        const tr = trPos.filter((k) => !Number.isNaN(yAll[k])), va = vaPos.filter((k) => !Number.isNaN(yAll[k]));
        let best: { loss: number; m: LogisticModel } | null = null;
        for (const l2 of [1e-4, 1e-3, 1e-2, 1e-1]) {
          const m = fitLogisticRegression(Z, P, yAll, { rows: tr, l2 });
          const z = logisticLogits(m, Z, P, va);
          let loss = 0;
          va.forEach((k, q) => (loss += Math.max(z[q], 0) - z[q] * yAll[k] + Math.log1p(Math.exp(-Math.abs(z[q])))));
          if (!best || loss < best.loss) best = { loss, m };
        }
        models.push(best!.m);
      }
      const params = new Float64Array(2 * P + H * (P + 1));
      params.set(st.mean, 0);
      params.set(st.sd, P);
      models.forEach((m, h) => {
        params[2 * P + h * (P + 1)] = m.intercept;
        params.set(m.weights, 2 * P + h * (P + 1) + 1);
      });
      await writeFile(path.join(o.outDir, "early_strong.bin"), Buffer.from(params.buffer));
      const valLogits = new Float32Array(vaPos.length * H);
      models.forEach((m, h) => logisticLogits(m, Z, P, vaPos).forEach((z, q) => (valLogits[q * H + h] = z)));
      earlyStrong = {
        file: "early_strong.bin",
        tabularDim: D,
        imageFeatureDim: feats.dim,
        imageFeatures: "img_pool of the image_only network (global max ‖ global average of the last conv block), frozen",
        l2: models.map((m) => m.l2),
        temperature: temperatures(valLogits, snap.labels, valImg, H),
        form: `per head p = σ((b0 + b·z) / T), z = [record features (${D}) ‖ frozen image features (${feats.dim})] standardised on the training rows; early_strong.bin = mean (${P}), sd (${P}), then per head intercept + ${P} weights (float64)`,
      };
    }

    // ---- servable bundle files (joint on the encoder's features)
    const servable = strategy === "joint" && snap.encoderFeatures && (snap.imageSpec?.resize === "area" || snap.imageSpec?.resize === "physical");
    const name = o.name ?? "fusion-candidate";
    let version = o.version ?? "";
    const networks = Object.fromEntries(Object.entries(trained).map(([k, v]) => [k, v!.entry])) as CandidateManifest["networks"];
    if (servable) {
      const j = trained.joint!;
      track.phase("fit interval and out-of-distribution check");
      const extra = await servableExtras(j.model, j.entry.arch, data, snap, split, j.entry.temperature);
      const meta: InferenceMeta & { missingImage: string; modalityDropout: number } = {
        name,
        version: version || "pending",
        createdAt: new Date().toISOString(),
        heads: [...snap.heads],
        headLabels: Object.fromEntries(snap.heads.map((h) => [h, (HEAD_LABELS as Record<string, string>)[h] ?? h])),
        arch: j.entry.arch,
        tabularArch: tabNet.entry.arch,
        calibration: { main: { temperature: j.entry.temperature }, tabular: { temperature: tabNet.entry.temperature } },
        categories: Object.fromEntries(snap.heads.map((h) => [h, decisionFor(h).categories ?? [0.05, 0.2]])),
        baseline: { tabular: meanRows(tab, D, split.train), imageBase64: encodeFloat32(fill!) },
        interval: extra.interval,
        // the training rows' range: records outside it are flagged when scored (lib/fusion/factors.ts)
        trainingInputs: trainingInputsFromRows(tab, split.train, {
          generator: String(snap.provenance?.generator ?? "snapshot"),
          seed: Number(snap.provenance?.seed ?? 0),
          offset: Number(snap.provenance?.offset ?? 0),
          n: split.train.length,
          note: `the train split of snapshot ${snap.sha256}`,
        }),
        missingImage: "tabular network (record-only fallback); the joint network with a zeroed image embedding is evaluated beside it",
        modalityDropout: md,
      };
      await writeFile(path.join(o.outDir, "encoders.json"), JSON.stringify(encoderSpec(S, snap.imageSpec!.resize as ImageResize), null, 2));
      if (extra.ood) await writeFile(path.join(o.outDir, "ood.json"), JSON.stringify(extra.ood, null, 2) + "\n");
      const digest = await weightsDigest(o.outDir);
      version ||= `0.0.0-${digest.sha256.slice(0, 12)}`;
      meta.version = version;
      await writeFile(path.join(o.outDir, "inference.json"), JSON.stringify(meta, null, 2));
    }
    const digest = await weightsDigest(o.outDir);
    version ||= `0.0.0-${digest.sha256.slice(0, 12)}`;
    const manifest: CandidateManifest = {
      format: CANDIDATE_FORMAT,
      name,
      version,
      strategy,
      servable,
      createdAt: new Date().toISOString(),
      heads: snap.heads,
      headLabels: Object.fromEntries(snap.heads.map((h) => [h, (HEAD_LABELS as Record<string, string>)[h] ?? h])),
      features: snap.features,
      encoderFeatures: snap.encoderFeatures,
      tabScaling,
      imageSize: snap.imageSize,
      imageSpec: snap.imageSpec,
      snapshot: { sha256: snap.sha256, rows: snap.n, file: path.basename(o.snapshotPath), provenance: snap.provenance },
      seed: o.seed,
      split: {
        method: o.rows ? "explicit rows given by the caller (e.g. a cross-validation fold)" : snap.partition ? COLUMN_SPLIT_METHOD : SPLIT_METHOD,
        fractions,
        rows: { train: split.train.length, val: split.val.length, test: split.test.length },
        patients: { train: new Set(split.train.map((i) => snap.patient[i])).size, val: new Set(split.val.map((i) => snap.patient[i])).size, test: new Set(split.test.map((i) => snap.patient[i])).size },
      },
      training: {
        backend,
        machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}`,
        node: process.version,
        tfjs: tf.version.tfjs,
        codeCommit: codeCommit(),
        options: { epochs, batchSize, lr, patience, modalityDropout: strategy === "joint" ? md : undefined, optimizer: "adam", loss: "binary cross-entropy over known labels (+ MSE on aux_* image targets, weight 1)", earlyStopping: "validation loss, best weights restored" },
        seconds: (performance.now() - t0) / 1000,
      },
      networks,
      ...(late ? { late } : {}),
      ...(earlyStrong ? { earlyStrong } : {}),
      deployment: { withImage: strategy === "tabular_only" ? "tabular_only" : strategy, withoutImage: "tabular_only" },
      weightFiles: digest.files,
      weightsSha256: digest.sha256,
    };
    await writeFile(path.join(o.outDir, "candidate.json"), JSON.stringify(manifest, null, 2));

    // ---- test predictions as deployed (scorer.ts: the same code that scores comparisons)
    track.phase("score test patients");
    const scorer = await loadScorer(o.outDir);
    let testPreds: Float64Array;
    try {
      testPreds = scorer.predict(snap, split.test).probs;
    } finally {
      scorer.dispose();
    }
    const extraTestPreds: Record<string, Float64Array> = {};
    let missingImage: Trained["missingImage"] = null;
    if (strategy === "joint") {
      const j = trained.joint!;
      const T = j.entry.temperature;
      const testPos = new Map(split.test.map((r, k) => [r, k]));
      // joint network alone: the zeroed image embedding where a row has no image (instead of the record-only network)
      if (md > 0) extraTestPreds["joint, zeroed image embedding when no image"] = calibrated(predictRows(j.model, j.entry.arch, data, split.test, { zeroMissingImage: true }), T);
      // rows with an image, image withheld: the joint network itself vs switching to the record-only network
      const withheld = calibrated(predictRows(j.model, j.entry.arch, data, testImg, { dropImage: true }), T);
      const tabOnImg = calibrated(predictRows(tabNet.model, tabNet.entry.arch, data, testImg), tabNet.entry.temperature);
      const jointImg = calibrated(predictRows(j.model, j.entry.arch, data, testImg), T);
      void testPos;
      missingImage = { rows: testImg, preds: { "joint, image withheld (zeroed embedding)": withheld, "record-only network": tabOnImg, "joint with the image (reference)": jointImg } };
    }
    return { manifest, snapshot: snap, split, testPreds, extraTestPreds, missingImage };
  } finally {
    for (const t of Object.values(trained)) t?.model.dispose();
  }
}

/** The git commit of the code that trained (with "+dirty" for uncommitted changes), when run from a checkout. */
function codeCommit(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no", "--", "models", "lib"], { stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).toString().trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

function meanRows(a: Float32Array, D: number, rows: readonly number[]): number[] {
  const m = new Array(D).fill(0);
  for (const r of rows) for (let j = 0; j < D; j++) m[j] += a[r * D + j] / rows.length;
  return m;
}

/** MC-dropout interval widening (only when the snapshot carries the generator's true risk) and the image OOD reference. */
async function servableExtras(model: tf.LayersModel, cfg: ArchConfig, data: NetData, snap: Snapshot, split: Record<"train" | "val" | "test", number[]>, T: number[]) {
  const H = cfg.heads.length, S = cfg.imageSize, D = cfg.tabularDim;
  const pick = (rows: number[]) => ({
    n: rows.length,
    images: Float32Array.from(rows.flatMap((r) => Array.from(snap.images!.subarray(r * S * S, (r + 1) * S * S)))),
    tabular: Float32Array.from(rows.flatMap((r) => Array.from(data.tab.subarray(r * D, (r + 1) * D)))),
    trueRisk: snap.trueRisk ? Float32Array.from(rows.flatMap((r) => Array.from(snap.trueRisk!.subarray(r * H, (r + 1) * H)))) : new Float32Array(rows.length * H),
  });
  let interval: InferenceMeta["interval"] = { method: "mc-dropout", samples: 32, rate: cfg.dropout, lowerQuantile: 0.05, upperQuantile: 0.95, widen: 1 };
  const valImg = split.val.filter((i) => snap.hasImage[i]).slice(0, 1500);
  if (snap.trueRisk && valImg.length) {
    const s = pick(valImg) as never;
    const q = mcDropoutQuantiles(model, cfg, s, valImg.length, 32, 0.05, 0.95);
    interval = { ...interval, widen: fitIntervalWidening(q, s, valImg.length, T, 0.9).widen };
  }
  const feats = (rows: number[]) => {
    const f = pooledImageFeatures(model, cfg, data, rows);
    return Array.from({ length: rows.length }, (_, k) => f.values.slice(k * f.dim, (k + 1) * f.dim));
  };
  const fitRows = split.train.filter((i) => snap.hasImage[i]).slice(0, 4000);
  // a small snapshot (an institution's first cohort) may have no validation patient with an image:
  // the threshold then comes from the training patients' own distances (optimistic; said in fittedOn),
  // and with fewer than 2 training images there is no check at all (every image is used)
  if (fitRows.length < 2) return { interval, ood: null };
  const valThr = split.val.filter((i) => snap.hasImage[i]).slice(0, 2500);
  const thrRows = valThr.length >= 2 ? valThr : fitRows;
  const testRows = split.test.filter((i) => snap.hasImage[i]).slice(0, 1000);
  const { mean, prec, rt, precisionBase64, d } = fitMahalanobis(feats(fitRows), 0.01);
  const dist = (X: Float32Array[]) => X.map((x) => mahalanobis(rt, x));
  const threshold = quantile(dist(feats(thrRows)), 0.995);
  const testD = dist(feats(testRows));
  void prec;
  const ood: OodReference = {
    method: "mahalanobis",
    layer: "img_pool",
    dim: d,
    mean: Array.from(mean),
    precisionBase64,
    threshold,
    thresholdQuantile: 0.995,
    shrinkage: 0.01,
    fittedOn: { generator: `snapshot ${snap.sha256} (training patients with an image)`, seed: 0, offset: 0, n: fitRows.length },
    thresholdFrom: { seed: 0, offset: 0, n: thrRows.length, ...(thrRows === fitRows ? { note: "training patients (no validation patient had an image)" } : {}) },
    evaluation: { "in distribution: test patients of the snapshot (false alarms)": { n: testD.length, flagged: testD.filter((x) => x > threshold).length / Math.max(1, testD.length), medianDistance: quantile(testD, 0.5) } },
  };
  return { interval, ood };
}

export type CandidateEvaluation = EvaluationReport & { missingImage?: EvaluationReport | null };

/** The candidate's own test evaluation (the comparison with other versions is evaluateCandidate in api.ts). */
export function evaluateTrained(t: Trained, opts: { B?: number; seed?: number } = {}): CandidateEvaluation {
  const s = t.snapshot;
  const label = t.manifest.strategy;
  const report = evaluateModels({ heads: s.heads, labels: s.labels, patients: s.patient, sex: s.sex, age: s.age, smoking: s.smoking, rows: t.split.test, preds: { [label]: t.testPreds, ...t.extraTestPreds }, primary: label, B: opts.B, subgroupB: Math.min(opts.B ?? 200, 200), seed: opts.seed ?? t.manifest.seed });
  const missingImage = t.missingImage && t.missingImage.rows.length ? evaluateModels({ heads: s.heads, labels: s.labels, patients: s.patient, sex: s.sex, age: s.age, smoking: s.smoking, rows: t.missingImage.rows, preds: t.missingImage.preds, primary: "joint, image withheld (zeroed embedding)", B: opts.B, subgroupB: 20, seed: (opts.seed ?? t.manifest.seed) + 1 }) : null;
  if (missingImage) for (const h of missingImage.heads) h.subgroups = [];
  return { ...report, missingImage };
}

export { column };
