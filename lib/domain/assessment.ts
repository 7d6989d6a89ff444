import { z } from "zod";

/**
 * The result of one fusion assessment (lib/fusion `assess`), as stored in the Assessment row and
 * returned by the API. Probabilities are calibrated (temperature scaling per head on validation).
 */
export const riskCategoryValues = ["low", "moderate", "high"] as const;
export const RiskCategory = z.enum(riskCategoryValues);
export type RiskCategory = z.infer<typeof RiskCategory>;

export const fusionStrategyValues = ["joint", "early", "late", "image_only", "tabular_only"] as const;
export const FusionStrategy = z.enum(fusionStrategyValues);
export type FusionStrategy = z.infer<typeof FusionStrategy>;

export const modalityGroupValues = ["image", "history", "family", "diet"] as const;
export const ModalityGroup = z.enum(modalityGroupValues);
export type ModalityGroup = z.infer<typeof ModalityGroup>;

const prob = z.number().min(0).max(1);

export const HeadScore = z.object({
  /** calibrated probability */
  probability: prob,
  /** uncertainty interval [lo, hi] (see `intervalMethod` on the result) */
  interval: z.tuple([prob, prob]),
  category: RiskCategory,
});
export type HeadScore = z.infer<typeof HeadScore>;

export const FeatureAttribution = z.object({
  /** encoder feature name, e.g. "hist.smoking_years" */
  feature: z.string(),
  /** readable label, e.g. "Smoking duration (decades)" */
  label: z.string(),
  /** the encoded value the model saw, in readable units where possible */
  value: z.string().nullable(),
  /** integrated-gradients contribution to the calibrated probability (vs the training-mean record) */
  contribution: z.number(),
  direction: z.enum(["raises", "lowers"]),
});
export type FeatureAttribution = z.infer<typeof FeatureAttribution>;

export const SaliencyMap = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** base64 of width×height uint8 (0 = none, 255 = strongest), row-major, over the whole frame */
  data: z.string(),
  frame: z.number().int().nonnegative(),
  head: z.string(),
  method: z.literal("grad-cam"),
});
export type SaliencyMap = z.infer<typeof SaliencyMap>;

export const AssessmentExplanation = z.object({
  /** the headline head's exact Shapley values over modality groups (what the risk panel shows) */
  modalityContributions: z.record(ModalityGroup, z.number()),
  /** which head `modalityContributions` / `saliency` refer to (largest image contribution) */
  modalityContributionsHead: z.string(),
  /** per head: exact Shapley values (sum = probability − baseline probability) */
  modalityContributionsByHead: z.record(z.string(), z.record(ModalityGroup, z.number())),
  baselineProbability: z.record(z.string(), prob),
  /** integrated-gradients attributions per head, largest |contribution| first */
  featureAttributions: z.array(FeatureAttribution),
  featureAttributionsByHead: z.record(z.string(), z.array(FeatureAttribution)),
  /** Grad-CAM saliency per head (absent on the tabular path) */
  saliency: SaliencyMap.nullable(),
  saliencyByHead: z.record(z.string(), SaliencyMap).optional(),
  /** the image out-of-distribution check (lib/fusion/ood.ts); null when no image was checked */
  imageCheck: z
    .object({ method: z.literal("mahalanobis"), layer: z.literal("img_pool"), distance: z.number(), threshold: z.number(), inDistribution: z.boolean() })
    .nullable()
    .optional(),
});
export type AssessmentExplanation = z.infer<typeof AssessmentExplanation>;

export const AssessmentResult = z.object({
  modelName: z.string(),
  modelVersion: z.string(),
  strategy: FusionStrategy,
  backend: z.string(),
  /** which path produced the scores: the joint image+record model, or the record-only fallback */
  path: z.enum(["joint", "tabular_only"]),
  scores: z.record(z.string(), HeadScore),
  intervalMethod: z.string(),
  embeddings: z.object({
    image: z.array(z.number()).nullable(),
    tabular: z.array(z.number()),
    fused: z.array(z.number()).nullable(),
  }),
  explanation: AssessmentExplanation,
  /** milliseconds per stage */
  timings: z.record(z.string(), z.number()),
  /** machine-readable warnings, e.g. "no_image_tabular_path", "diet_missing_defaults_used" */
  flags: z.array(z.string()),
});
export type AssessmentResult = z.infer<typeof AssessmentResult>;
