// A finished assessment as the worker stores it (lib/domain/assessment.ts StoredAssessment), for
// tests that write Assessment rows by hand: valid as a whole, with the parts a test cares about
// given. Two heads, joint path unless `path: "tabular_only"`.
import { StoredAssessment, type FeatureAttribution, type ModalityContributions, type SaliencyMap } from "@/lib/domain/assessment";

export const HEADS = ["lung_cancer_2y", "mace_5y"] as const;

/** A 2×2 Grad-CAM map of `head`. */
export const saliency2x2 = (head: string = HEADS[0]): SaliencyMap => ({ width: 2, height: 2, data: Buffer.from([0, 64, 128, 255]).toString("base64"), frame: 0, head, method: "grad-cam" });

export const attribution = (feature: string, label: string, contribution: number, value: string | null = null): FeatureAttribution => ({
  feature,
  label,
  value,
  contribution,
  direction: contribution >= 0 ? "raises" : "lowers",
});

export type StoredFixture = {
  path?: "joint" | "tabular_only";
  modelName?: string;
  modelVersion?: string;
  /** checked by the schema (plain literals welcome) */
  scores?: Record<string, { probability: number; interval: number[]; category: string }>;
  /** the headline head's contributions; groups not given are 0 */
  contributions?: Partial<ModalityContributions>;
  featureAttributions?: FeatureAttribution[];
  /** the headline map (joint path: a 2×2 map unless null is given) */
  saliency?: SaliencyMap | null;
  saliencyByHead?: Record<string, SaliencyMap>;
  imageCheck?: StoredAssessment["explanation"]["imageCheck"];
  flags?: string[];
};

/** The row's columns of a finished assessment, validated with the schema the worker uses. */
export function storedAssessment(f: StoredFixture = {}): StoredAssessment {
  const path = f.path ?? "joint";
  const scores: Record<string, unknown> = f.scores ?? { lung_cancer_2y: { probability: 0.12, interval: [0.08, 0.17], category: "moderate" }, mace_5y: { probability: 0.04, interval: [0.03, 0.06], category: "low" } };
  const heads = Object.keys(scores);
  const contributions: ModalityContributions = { image: 0, history: 0, family: 0, diet: 0, ...f.contributions };
  const saliency = path === "tabular_only" ? null : f.saliency === undefined ? saliency2x2(heads[0]) : f.saliency;
  return StoredAssessment.parse({
    modelName: f.modelName ?? "fusion-demo",
    modelVersion: f.modelVersion ?? "1.1.0",
    strategy: path === "tabular_only" ? "tabular_only" : "joint",
    scores,
    embeddings: { image: path === "tabular_only" ? null : [0.5, -0.25], tabular: [0.1, 0.2, 0.3], fused: path === "tabular_only" ? null : [1, 2] },
    explanation: {
      modalityContributions: contributions,
      modalityContributionsHead: heads[0],
      modalityContributionsByHead: Object.fromEntries(heads.map((h) => [h, contributions])),
      baselineProbability: Object.fromEntries(heads.map((h) => [h, 0.05])),
      featureAttributions: f.featureAttributions ?? [],
      featureAttributionsByHead: Object.fromEntries(heads.map((h) => [h, f.featureAttributions ?? []])),
      saliency,
      ...(f.saliencyByHead ? { saliencyByHead: f.saliencyByHead } : saliency ? { saliencyByHead: Object.fromEntries(heads.map((h) => [h, { ...saliency, head: h }])) } : {}),
      imageCheck: f.imageCheck ?? null,
      path,
      intervalMethod: "MC dropout (test fixture)",
      backend: "cpu",
    },
    timings: { load: 1, decode: 0, forward: 2, total: 5 },
    flags: f.flags ?? [],
  });
}

/** The JSON columns of `storedAssessment(f)`, for prisma.assessment.create({ data }). */
export function storedColumns(f: StoredFixture = {}) {
  const s = storedAssessment(f);
  return { modelName: s.modelName, modelVersion: s.modelVersion, strategy: s.strategy, scores: s.scores, embeddings: s.embeddings, explanation: s.explanation, timings: s.timings, flags: s.flags };
}
