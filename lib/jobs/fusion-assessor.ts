import { assess, getDefaultModel, loadFusionModel, currentBackend } from "@/lib/fusion";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { toStoredAssessment } from "@/lib/domain/assessment";
import type { Assessor } from "./assessor";

/**
 * The served joint-fusion model (lib/fusion) behind the worker's Assessor interface. The image
 * branch was trained on CT slices only, so other modalities take the record-only path (flagged).
 * Loads TensorFlow.js and the weights: workers only (lib/jobs/start-worker.ts), never the web tier.
 * `dir` loads that bundle instead of the served one (FUSION_MODEL_DIR or models/fusion-demo/ACTIVE).
 */
export async function loadFusionAssessor(opts: { dir?: string } = {}): Promise<Assessor> {
  const model = opts.dir ? await loadFusionModel(opts.dir) : await getDefaultModel();
  const strategy = model.meta.arch.strategy as FusionStrategy;
  const card = JSON.parse(await readFile(path.join(model.dir, "card.json"), "utf8").catch(() => "{}")) as Record<string, unknown>;
  return {
    registry: {
      name: model.meta.name,
      version: model.meta.version,
      strategy,
      heads: model.meta.heads,
      inputSpec: { ...model.spec, ood: model.ood ? { method: model.ood.ref.method, layer: model.ood.ref.layer, threshold: model.ood.ref.threshold } : null },
      card,
      metrics: (card.metrics as Record<string, unknown> | undefined) ?? {},
      outcomes: model.outcomes,
    },
    model: { name: model.meta.name, version: model.meta.version, strategy, backend: currentBackend() },
    imageModalities: ["CT"],
    async assess({ record, image }) {
      const r = await assess({ record, image: image ? { rows: image.rows, columns: image.columns, data: image.data, modality: image.modality, geometry: image.geometry ?? null } : null }, { model });
      return toStoredAssessment(r);
    },
  };
}
