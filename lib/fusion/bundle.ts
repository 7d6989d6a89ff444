/**
 * A served model bundle = one directory:
 *   model.json + weights.bin           the production network (joint fusion)
 *   tabular.json + tabular.weights.bin the record-only network used when there is no scan
 *   encoders.json                      encoder spec (version, features, image preprocessing)
 *   inference.json                     architecture configs, calibration, baselines, and the
 *                                      outcomes: head labels and risk categories (outcomes.ts)
 *   ood.json (optional)                out-of-distribution reference for the image branch (ood.ts)
 *   card.json, report.md, plots/       model card and evaluation report (for humans and the API)
 */
import * as tf from "@tensorflow/tfjs";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { ArchConfig } from "./architecture";
import { checkEncoderSpec, type EncoderSpec } from "./encoders";
import { loadLayersModelFromDir, saveLayersModel } from "./artifacts";
import { loadOodReference, type OodRuntime } from "./ood";
import { bundleOutcomes } from "./outcomes";
import type { TrainingInputs } from "./factors";
import type { ModelOutcomes } from "@/lib/domain/outcomes";

export type HeadCalibration = { temperature: number[] };

export type InferenceMeta = {
  name: string;
  version: string;
  createdAt: string;
  heads: string[];
  headLabels: Record<string, string>;
  /** for narrow places (a table header); optional, the label stands in */
  headShortLabels?: Record<string, string>;
  arch: ArchConfig;
  tabularArch: ArchConfig | null;
  calibration: { main: HeadCalibration; tabular: HeadCalibration | null };
  /** per head [moderateFrom, highFrom] on the calibrated probability */
  categories: Record<string, [number, number]>;
  /** training-set means: the reference "average patient" for Shapley and IG */
  baseline: { tabular: number[]; imageBase64: string };
  interval: { method: string; samples: number; rate: number; lowerQuantile: number; upperQuantile: number; widen: number };
  /** what the training records covered (factors.ts checks each record against it); absent: not checked */
  trainingInputs?: TrainingInputs;
};

export type FusionModel = {
  dir: string;
  meta: InferenceMeta;
  /** the heads in the clinic's words and their category thresholds (outcomes.ts, from `meta`) */
  outcomes: ModelOutcomes;
  spec: EncoderSpec;
  main: tf.LayersModel;
  tabular: tf.LayersModel | null;
  baselineImage: Float32Array;
  baselineTabular: Float32Array;
  /** image out-of-distribution reference (null: the bundle has none, images are not checked) */
  ood: OodRuntime | null;
  dispose(): void;
};

export class FusionModelError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "FusionModelError";
  }
}

export function encodeFloat32(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}
export function decodeFloat32(s: string): Float32Array {
  const b = Buffer.from(s, "base64");
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export async function saveFusionBundle(dir: string, b: { meta: InferenceMeta; spec: EncoderSpec; main: tf.LayersModel; tabular: tf.LayersModel | null }): Promise<void> {
  await mkdir(dir, { recursive: true });
  await saveLayersModel(b.main, dir, "model");
  if (b.tabular) await saveLayersModel(b.tabular, dir, "tabular");
  await writeFile(path.join(dir, "encoders.json"), JSON.stringify(b.spec, null, 2));
  await writeFile(path.join(dir, "inference.json"), JSON.stringify(b.meta, null, 2));
}

export async function loadFusionBundle(dir: string): Promise<FusionModel> {
  let spec: EncoderSpec;
  let meta: InferenceMeta;
  try {
    spec = JSON.parse(await readFile(path.join(dir, "encoders.json"), "utf8"));
    meta = JSON.parse(await readFile(path.join(dir, "inference.json"), "utf8"));
  } catch (e) {
    throw new FusionModelError("MODEL_NOT_FOUND", `No fusion model bundle at ${dir} (${(e as Error).message})`);
  }
  try {
    checkEncoderSpec(spec);
  } catch (e) {
    throw new FusionModelError("ENCODER_VERSION_MISMATCH", (e as Error).message);
  }
  let outcomes: ModelOutcomes;
  try {
    outcomes = bundleOutcomes(meta, path.join(dir, "inference.json"));
  } catch (e) {
    throw new FusionModelError("MODEL_OUTCOMES_INVALID", (e as Error).message);
  }
  if (spec.image.size !== meta.arch.imageSize || spec.tabular.dim !== meta.arch.tabularDim)
    throw new FusionModelError("ENCODER_VERSION_MISMATCH", `Model input shape (${meta.arch.imageSize}², ${meta.arch.tabularDim}) does not match its encoder spec (${spec.image.size}², ${spec.tabular.dim}).`);
  const main = await loadLayersModelFromDir(dir, "model");
  const tabular = meta.tabularArch ? await loadLayersModelFromDir(dir, "tabular") : null;
  let ood: OodRuntime | null;
  try {
    ood = await loadOodReference(dir);
  } catch (e) {
    throw new FusionModelError("OOD_REFERENCE_INVALID", (e as Error).message);
  }
  if (ood && ood.ref.dim !== 2 * meta.arch.convFilters[meta.arch.convFilters.length - 1])
    throw new FusionModelError("OOD_REFERENCE_INVALID", `ood.json has ${ood.ref.dim} features; this model's pooled image features have ${2 * meta.arch.convFilters[meta.arch.convFilters.length - 1]}.`);
  return {
    dir,
    meta,
    outcomes,
    spec,
    main,
    tabular,
    baselineImage: decodeFloat32(meta.baseline.imageBase64),
    baselineTabular: Float32Array.from(meta.baseline.tabular),
    ood,
    dispose() {
      main.dispose();
      tabular?.dispose();
    },
  };
}
