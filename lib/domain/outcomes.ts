import { z } from "zod";

/**
 * What a model predicts: its outcomes ("heads"), in the clinic's words, and where each head's risk
 * categories begin. A model bundle owns these (`inference.json`: `heads`, `headLabels`,
 * `headShortLabels`, `categories`), read by exactly one function (lib/fusion/outcomes.ts
 * `readBundleOutcomes`); the worker scores with them and the model registry stores them on the
 * ModelVersion row when a model is registered, so readers ask the database, not TensorFlow.js.
 * No label or threshold is written anywhere else (`lib/domain/outcomes.test.ts` fails on a copy).
 */
export const riskCategoryValues = ["low", "moderate", "high"] as const;
export const RiskCategory = z.enum(riskCategoryValues);
export type RiskCategory = z.infer<typeof RiskCategory>;

const probability = z.number().min(0).max(1);

/** Where "moderate" and "high" begin on the calibrated probability (inclusive). */
export const CategoryThresholds = z
  .strictObject({ moderateFrom: probability, highFrom: probability })
  .refine((c) => c.moderateFrom < c.highFrom, { message: "moderateFrom must be below highFrom" });
export type CategoryThresholds = z.infer<typeof CategoryThresholds>;

/** Head ids are machine names: `lung_cancer_2y`. */
export const HeadId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a lower-case identifier such as lung_cancer_2y");

export const ModelOutcome = z.strictObject({
  head: HeadId,
  /** the outcome in full, as the model card words it */
  label: z.string().min(1).max(200),
  /** for narrow places such as a table header */
  shortLabel: z.string().min(1).max(200),
  categories: CategoryThresholds,
});
export type ModelOutcome = z.infer<typeof ModelOutcome>;

/** A model's outcomes, in the model's head order. */
export const ModelOutcomes = z
  .array(ModelOutcome)
  .min(1)
  .refine((o) => new Set(o.map((x) => x.head)).size === o.length, { message: "each head must appear once" });
export type ModelOutcomes = z.infer<typeof ModelOutcomes>;

/** The risk category of a calibrated probability under one head's thresholds (the only such rule). */
export function categoryFor(p: number, t: CategoryThresholds): RiskCategory {
  return p >= t.highFrom ? "high" : p >= t.moderateFrom ? "moderate" : "low";
}
