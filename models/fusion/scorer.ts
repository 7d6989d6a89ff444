/**
 * Scores snapshot rows with a model bundle exactly as it would be deployed, so every model in a
 * comparison is judged on the same rows in the same way:
 *   - a candidate bundle (candidate.json, candidate.ts): its strategy where the row has an image
 *     (and, for a servable bundle with ood.json, the image passes the out-of-distribution check),
 *     else its record-only network;
 *   - a served bundle of the earlier format (inference.json + model.json, e.g. models/fusion-demo/1.1.0):
 *     its joint network with the same fallback; `<dir>#<strategy>` scores one of the comparison
 *     networks saved beside it (strategies.json: early, image_only, tabular_only, late).
 * Output: calibrated probabilities, rows × the snapshot's heads (NaN for a head the model lacks).
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ArchConfig } from "@/lib/fusion/architecture";
import { loadLayersModelFromDir } from "@/lib/fusion/artifacts";
import { loadFusionBundle } from "@/lib/fusion/bundle";
import { loadOodReference, mahalanobis, type OodRuntime } from "@/lib/fusion/ood";
import type { CandidateManifest } from "./candidate";
import { logisticLogits, standardize } from "./logistic";
import type { Snapshot } from "./snapshot";
import { pooledImageFeatures, predictRows, type NetData } from "./trainer";

export type Scorer = {
  label: string;
  dir: string;
  strategy: string;
  heads: string[];
  /** image preprocessing the model was trained with ("area" / "physical"), when known */
  imageResize: string | null;
  predict(snap: Snapshot, rows: readonly number[]): { probs: Float64Array; imageUsed: number };
  dispose(): void;
};

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function dataFor(snap: Snapshot, scaling: { mean: number[]; sd: number[] } | null): NetData {
  const D = snap.features.length;
  const tab = scaling ? Float32Array.from(standardize(snap.tab, D, scaling)) : snap.tab;
  return { n: snap.n, tab, images: snap.images, hasImage: snap.hasImage, labels: snap.labels, aux: null, auxDim: 0, fillImage: null };
}

/** Rows (of `rows`) whose image exists and passes the check. */
function imageRows(model: tf.LayersModel | null, cfg: ArchConfig | null, d: NetData, rows: readonly number[], ood: OodRuntime | null): number[] {
  const withImage = rows.filter((r) => d.hasImage[r]);
  if (!ood || !model || !cfg) return withImage;
  const f = pooledImageFeatures(model, cfg, d, withImage);
  return withImage.filter((_, k) => mahalanobis(ood, f.values.subarray(k * f.dim, (k + 1) * f.dim)) <= ood.ref.threshold);
}

/** Fill rows × snapHeads from model outputs (rows × modelHeads) by head name. */
function mapHeads(out: Float64Array, snapHeads: string[], modelHeads: string[], rowPos: number, probs: ArrayLike<number>, k: number) {
  snapHeads.forEach((h, j) => {
    const m = modelHeads.indexOf(h);
    out[rowPos * snapHeads.length + j] = m >= 0 ? probs[k * modelHeads.length + m] : NaN;
  });
}

export async function loadScorer(spec: string): Promise<Scorer> {
  const [dirRaw, variant] = spec.split("#");
  const dir = path.resolve(dirRaw);
  if (existsSync(path.join(dir, "candidate.json"))) return candidateScorer(dir);
  if (existsSync(path.join(dir, "inference.json"))) return legacyScorer(dir, variant ?? "joint");
  throw new Error(`${dirRaw} is not a model bundle (no candidate.json or inference.json)`);
}

async function candidateScorer(dir: string): Promise<Scorer> {
  const man = JSON.parse(await readFile(path.join(dir, "candidate.json"), "utf8")) as CandidateManifest;
  const nets: Record<string, tf.LayersModel> = {};
  for (const [k, v] of Object.entries(man.networks)) nets[k] = await loadLayersModelFromDir(path.join(dir, path.dirname(v!.file)), path.basename(v!.file));
  const ood = man.servable ? await loadOodReference(dir) : null;
  const H = man.heads.length;
  const lateW = man.late ? Float64Array.from(new Float64Array((await readFile(path.join(dir, "late.bin"))).buffer.slice(0))) : null;
  let es: { P: number; mean: Float64Array; sd: Float64Array; models: { intercept: number; weights: Float64Array; l2: number; iterations: number; converged: boolean }[]; T: number[] } | null = null;
  if (man.earlyStrong) {
    const b = await readFile(path.join(dir, man.earlyStrong.file));
    const a = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    const P = man.earlyStrong.tabularDim + man.earlyStrong.imageFeatureDim;
    es = {
      P,
      mean: a.slice(0, P),
      sd: a.slice(P, 2 * P),
      models: man.heads.map((_, h) => ({ intercept: a[2 * P + h * (P + 1)], weights: a.slice(2 * P + h * (P + 1) + 1, 2 * P + (h + 1) * (P + 1)), l2: man.earlyStrong!.l2[h], iterations: 0, converged: true })),
      T: man.earlyStrong.temperature,
    };
  }
  const tabEntry = man.networks.tabular_only!;
  const mainName = man.strategy === "late" || man.strategy === "early_strong" ? "image_only" : man.strategy;
  return {
    label: man.name === "fusion-candidate" ? `${man.strategy} (candidate ${man.weightsSha256.slice(0, 8)})` : `${man.name} ${man.version} (${man.strategy})`,
    dir,
    strategy: man.strategy,
    heads: man.heads,
    imageResize: (man.imageSpec?.resize as string | undefined) ?? null,
    predict(snap, rows) {
      if (snap.features.join(",") !== man.features.join(",")) throw new Error(`${dir}: the snapshot's feature columns differ from the model's`);
      const d = dataFor(snap, man.tabScaling);
      const out = new Float64Array(rows.length * snap.heads.length);
      const tabP = predictRows(nets.tabular_only, tabEntry.arch, d, rows);
      const pos = new Map(rows.map((r, k) => [r, k]));
      rows.forEach((_, k) => mapHeads(out, snap.heads, man.heads, k, Float64Array.from({ length: H }, (_, h) => sigmoid(tabP[k * H + h] / tabEntry.temperature[h])), 0));
      if (man.strategy === "tabular_only") return { probs: out, imageUsed: 0 };
      const main = man.networks[mainName as "joint"]!;
      const img = imageRows(nets[mainName], main.arch, d, rows, ood);
      if (!img.length) return { probs: out, imageUsed: 0 };
      let probs: Float64Array;
      if (man.strategy === "late") {
        const li = predictRows(nets.image_only, main.arch, d, img), lt = predictRows(nets.tabular_only, tabEntry.arch, d, img);
        probs = Float64Array.from({ length: img.length * H }, (_, i) => {
          const h = i % H;
          return sigmoid(lateW![h * 3] + lateW![h * 3 + 1] * li[i] + lateW![h * 3 + 2] * lt[i]);
        });
      } else if (man.strategy === "early_strong") {
        const D = man.earlyStrong!.tabularDim;
        const f = pooledImageFeatures(nets.image_only, main.arch, d, img);
        const X = new Float64Array(img.length * es!.P);
        img.forEach((r, k) => {
          for (let j = 0; j < D; j++) X[k * es!.P + j] = d.tab[r * D + j];
          for (let j = 0; j < f.dim; j++) X[k * es!.P + D + j] = f.values[k * f.dim + j];
        });
        const Z = standardize(X, es!.P, es!);
        const all = Array.from({ length: img.length }, (_, k) => k);
        probs = new Float64Array(img.length * H);
        es!.models.forEach((m, h) => logisticLogits(m, Z, es!.P, all).forEach((z, k) => (probs[k * H + h] = sigmoid(z / es!.T[h]))));
      } else {
        const l = predictRows(nets[mainName], main.arch, d, img);
        probs = Float64Array.from(l, (z, i) => sigmoid(z / main.temperature[i % H]));
      }
      img.forEach((r, k) => mapHeads(out, snap.heads, man.heads, pos.get(r)!, probs, k));
      return { probs: out, imageUsed: img.length };
    },
    dispose() {
      for (const m of Object.values(nets)) m.dispose();
    },
  };
}

/** A served bundle of the earlier format (models/fusion-demo/1.1.0): joint + record-only, and its comparison networks. */
async function legacyScorer(dir: string, variant: string): Promise<Scorer> {
  const b = await loadFusionBundle(dir);
  const strategies = existsSync(path.join(dir, "strategies.json")) ? (JSON.parse(await readFile(path.join(dir, "strategies.json"), "utf8")) as Record<string, { file?: string; arch?: ArchConfig; temperature?: number[]; stacker?: number[][] }>) : {};
  const H = b.meta.heads.length;
  const extra: Record<string, tf.LayersModel> = {};
  for (const s of ["image_only", "early"]) if ((variant === s || (variant === "late" && s === "image_only")) && strategies[s]?.file) extra[s] = await loadLayersModelFromDir(path.join(dir, path.dirname(strategies[s].file!)), path.basename(strategies[s].file!));
  if (!["joint", "tabular_only", "image_only", "early", "late"].includes(variant) || (variant !== "joint" && variant !== "tabular_only" && !strategies[variant])) throw new Error(`${dir} has no ${variant} network`);
  const tabArch = b.meta.tabularArch!, tabT = b.meta.calibration.tabular!.temperature;
  return {
    label: `${b.meta.name} ${b.meta.version}${variant === "joint" ? "" : ` ${variant}`}`,
    dir,
    strategy: variant,
    heads: b.meta.heads,
    imageResize: b.spec.image.resize,
    predict(snap, rows) {
      if (!snap.encoderFeatures) throw new Error(`${dir} reads the fusion encoder's features; this snapshot has other feature columns`);
      const d = dataFor(snap, null);
      const out = new Float64Array(rows.length * snap.heads.length);
      const tabL = predictRows(b.tabular!, tabArch, d, rows);
      rows.forEach((_, k) => mapHeads(out, snap.heads, b.meta.heads, k, Float64Array.from({ length: H }, (_, h) => sigmoid(tabL[k * H + h] / tabT[h])), 0));
      if (variant === "tabular_only") return { probs: out, imageUsed: 0 };
      // the served joint network checks images against its ood.json; the comparison networks never had one
      const img = variant === "joint" ? imageRows(b.main, b.meta.arch, d, rows, b.ood) : rows.filter((r) => d.hasImage[r]);
      let probs: Float64Array;
      if (variant === "joint") probs = Float64Array.from(predictRows(b.main, b.meta.arch, d, img), (z, i) => sigmoid(z / b.meta.calibration.main.temperature[i % H]));
      else if (variant === "late") {
        const li = predictRows(extra.image_only, strategies.image_only.arch!, d, img), lt = predictRows(b.tabular!, tabArch, d, img);
        const w = strategies.late.stacker!;
        probs = Float64Array.from({ length: img.length * H }, (_, i) => sigmoid(w[i % H][0] + w[i % H][1] * li[i] + w[i % H][2] * lt[i]));
      } else probs = Float64Array.from(predictRows(extra[variant], strategies[variant].arch!, d, img), (z, i) => sigmoid(z / strategies[variant].temperature![i % H]));
      const pos = new Map(rows.map((r, k) => [r, k]));
      img.forEach((r, k) => mapHeads(out, snap.heads, b.meta.heads, pos.get(r)!, probs, k));
      return { probs: out, imageUsed: img.length };
    },
    dispose() {
      b.dispose();
      for (const m of Object.values(extra)) m.dispose();
    },
  };
}
