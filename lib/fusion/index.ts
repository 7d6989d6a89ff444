/**
 * Fusion runtime: load a served model bundle, run explained assessments.
 *
 *   const result = await assess({ record, image });          // default model (models/fusion-demo/<active>)
 *   const model = await loadFusionModel(dir); await assess({ record }, { model });
 *
 * lib/fusion reads model artifacts from files; it never imports models/ code, the database or app/.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { AssessmentResult } from "@/lib/domain/assessment";
import { assessWithModel, predictBatch, shapleyFromCoalitions, type AssessInput, type AssessOptions } from "./assess";
import { loadFusionBundle, FusionModelError, type FusionModel, type InferenceMeta } from "./bundle";
import { initBackend, availableBackends, currentBackend, type BackendName } from "./runtime";
import { processGlobals } from "@/lib/platform/process-globals";

export type { AssessInput, AssessOptions, FusionModel, InferenceMeta, BackendName };
export type { ImageInput } from "./encoders";
export { ENCODER_VERSION, encodeRecord, preprocessImage, FEATURES, ImagePreprocessError } from "./encoders";
export { FusionModelError, assessWithModel, predictBatch, shapleyFromCoalitions, initBackend, availableBackends, currentBackend };

/** Where the served model lives: $FUSION_MODEL_DIR, else models/fusion-demo/<ACTIVE or newest version> under the cwd. */
export function defaultModelDir(): string {
  if (process.env.FUSION_MODEL_DIR) return path.resolve(process.env.FUSION_MODEL_DIR);
  const root = path.join(process.cwd(), "models", "fusion-demo");
  const active = path.join(root, "ACTIVE");
  if (existsSync(active)) return path.join(root, readFileSync(active, "utf8").trim());
  const versions = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
  if (!versions.length) throw new FusionModelError("MODEL_NOT_FOUND", `No served fusion model under ${root}; run npm run train or set FUSION_MODEL_DIR.`);
  return path.join(root, versions[versions.length - 1]);
}

/** Initialise the backend (tfjs-node → wasm → cpu, or FUSION_BACKEND) and load a bundle. */
export async function loadFusionModel(dir: string): Promise<FusionModel> {
  await initBackend();
  return loadFusionBundle(dir);
}

const g = processGlobals<{ __fusionDefaultModel?: Promise<FusionModel> }>();

/** The committed served model, loaded once per process. */
export function getDefaultModel(): Promise<FusionModel> {
  if (!g.__fusionDefaultModel) {
    g.__fusionDefaultModel = loadFusionModel(defaultModelDir()).catch((e) => {
      g.__fusionDefaultModel = undefined;
      throw e;
    });
  }
  return g.__fusionDefaultModel;
}

/** Explained assessment with the default (or a given) model. */
export async function assess(input: AssessInput, opts: AssessOptions & { model?: FusionModel } = {}): Promise<AssessmentResult> {
  const model = opts.model ?? (await getDefaultModel());
  return assessWithModel(model, input, opts);
}
