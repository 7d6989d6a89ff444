/**
 * A model bundle's outcomes — head labels and risk-category thresholds — read from its
 * `inference.json` as plain JSON: no TensorFlow.js, so anything that needs only the words or the
 * thresholds (the model registry, the training report) can read them cheaply. The one way in: the
 * assess runtime (bundle.ts), the registry entry (lib/jobs/fusion-assessor.ts) and the model
 * card writer all come through `bundleOutcomes`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ModelOutcomes } from "@/lib/domain/outcomes";
import { describeIssues } from "@/lib/domain/assessment";

/** The part of inference.json that declares the outcomes. */
export type OutcomeMeta = {
  heads: string[];
  headLabels: Record<string, string>;
  /** for narrow places; a bundle without them shows the full label there */
  headShortLabels?: Record<string, string>;
  /** per head [moderateFrom, highFrom] on the calibrated probability */
  categories: Record<string, [number, number]>;
};

export class BundleOutcomesError extends Error {
  readonly code = "MODEL_OUTCOMES_INVALID";
}

/** The outcomes of a bundle's metadata, in head order; throws when a head lacks a label or thresholds. */
export function bundleOutcomes(meta: OutcomeMeta, where = "inference.json"): ModelOutcomes {
  const missing = meta.heads.filter((h) => !meta.headLabels?.[h] || !meta.categories?.[h]);
  if (missing.length) throw new BundleOutcomesError(`${where}: no label or risk categories for head(s) ${missing.join(", ")}`);
  const r = ModelOutcomes.safeParse(
    meta.heads.map((head) => {
      const [moderateFrom, highFrom] = meta.categories[head];
      const label = meta.headLabels[head];
      return { head, label, shortLabel: meta.headShortLabels?.[head] ?? label, categories: { moderateFrom, highFrom } };
    }),
  );
  if (!r.success) throw new BundleOutcomesError(`${where}: ${describeIssues(r.error)}`);
  return r.data;
}

/** The outcomes of the bundle in `dir` (its inference.json). */
export async function readBundleOutcomes(dir: string): Promise<ModelOutcomes> {
  const file = path.join(dir, "inference.json");
  return bundleOutcomes(JSON.parse(await readFile(file, "utf8")) as OutcomeMeta, file);
}
