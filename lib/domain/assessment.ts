import { z } from "zod";
import { AssessmentStatus, FusionStrategy } from "./enums";
import { HeadId, RiskCategory } from "./outcomes";
import { id, probability, timestamp } from "./scalars";
import { RecordPart, ScanIdentityFlag } from "./scan";

export { FusionStrategy, fusionStrategyValues } from "./enums";
export { RiskCategory, riskCategoryValues } from "./outcomes";

/*
 * One assessment, written once:
 *
 *   AssessmentResult   what lib/fusion `assess` returns for one patient
 *   StoredAssessment   what the worker writes into the Assessment row (its JSON columns and the
 *                      model it ran), validated before it is written (lib/jobs/assess-job.ts) and
 *                      parsed again when read (lib/db/assessments.ts, lib/export/columns.ts)
 *   AssessmentView     what the API and the risk panel show (lib/db/assessments.ts)
 *
 * The stored shape has been the same since the worker first wrote it, except in two ways that the
 * migration 20261202120000_stored_assessment brings up to date: rows written before the image
 * out-of-distribution check have no `imageCheck` (now `null`), and rows of the first fusion engine
 * held every head's modality contributions in `modalityContributions`. A row that still does not
 * parse is reported as unreadable (`resultError`), never guessed at.
 */

export const modalityGroupValues = ["image", "history", "family", "diet"] as const;
export const ModalityGroup = z.enum(modalityGroupValues);
export type ModalityGroup = z.infer<typeof ModalityGroup>;

/** Which network produced the scores: the joint image+record model, or the record-only fallback. */
export const AssessmentPath = z.enum(["joint", "tabular_only"]);
export type AssessmentPath = z.infer<typeof AssessmentPath>;

export const HeadScore = z.strictObject({
  /** calibrated probability */
  probability,
  /** uncertainty interval [lo, hi] around the probability (see `intervalMethod`) */
  interval: z.tuple([probability, probability]),
  category: RiskCategory,
});
export type HeadScore = z.infer<typeof HeadScore>;

/** The Assessment.scores column: one score per head. */
export const StoredScores = z.record(HeadId, HeadScore);
export type StoredScores = z.infer<typeof StoredScores>;

export const FeatureAttribution = z.strictObject({
  /** encoder feature name, e.g. "hist.smoking_years" */
  feature: z.string().min(1),
  /** readable label, e.g. "Smoking duration (decades)" */
  label: z.string().min(1),
  /** the encoded value the model saw, in readable units where possible */
  value: z.string().nullable(),
  /** integrated-gradients contribution to the calibrated probability (vs the training-mean record) */
  contribution: z.number(),
  direction: z.enum(["raises", "lowers"]),
});
export type FeatureAttribution = z.infer<typeof FeatureAttribution>;

/**
 * One factor of an outcome's explanation as a clinical fact ("Sex: female", "Hypertension",
 * "Smoking duration: 30 years"): the encoder features behind it summed (lib/fusion/factors.ts).
 * Counts of records are never factors; an absent condition is one only where the model says it
 * matters.
 */
export const ClinicalFactor = z.strictObject({
  /** the fact's name, e.g. "Sex" */
  fact: z.string().min(1),
  /** the fact with this patient's value, e.g. "Sex: female" */
  text: z.string().min(1),
  /** the encoder features behind it, e.g. ["hist.male", "hist.sex_other_unknown"] */
  features: z.array(z.string().min(1)).min(1),
  /** summed integrated-gradients contribution to the calibrated probability */
  contribution: z.number(),
  direction: z.enum(["raises", "lowers"]),
  /** the direction clinical knowledge expects for this patient's value (null: none is declared) */
  clinicalDirection: z.enum(["raises", "lowers"]).nullable(),
  /** the learned direction runs against clinical knowledge: an association learned from synthetic data, not a cause */
  againstClinicalKnowledge: z.boolean(),
});
export type ClinicalFactor = z.infer<typeof ClinicalFactor>;

/**
 * An input the model never saw in training (lib/fusion/factors.ts `inputsOutsideTraining`, from
 * the bundle's `trainingInputs`): a category no training patient had, or a value outside the
 * training range. The score is still made, flagged `input_outside_training_range`.
 */
export const InputOutsideTraining = z.strictObject({
  feature: z.string().min(1),
  /** the input in the clinic's words, e.g. "Sex", "Age" */
  input: z.string().min(1),
  /** this patient's value, readable, e.g. "other", "97 years" */
  value: z.string(),
  reason: z.enum(["unseen_in_training", "below_training_range", "above_training_range"]),
  /** what training covered, readable, e.g. "male or female" or "30–89 years" */
  trainingRange: z.string(),
  /** one sentence for the risk panel */
  text: z.string().min(1),
});
export type InputOutsideTraining = z.infer<typeof InputOutsideTraining>;

export const SaliencyMap = z.strictObject({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** base64 of width×height uint8 (0 = none, 255 = strongest), row-major, over the whole frame */
  data: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"),
  frame: z.number().int().nonnegative(),
  head: HeadId,
  method: z.literal("grad-cam"),
});
export type SaliencyMap = z.infer<typeof SaliencyMap>;

/** The image out-of-distribution check (lib/fusion/ood.ts). */
export const ImageCheck = z.strictObject({
  method: z.literal("mahalanobis"),
  layer: z.literal("img_pool"),
  distance: z.number().nonnegative(),
  threshold: z.number().nonnegative(),
  inDistribution: z.boolean(),
});
export type ImageCheck = z.infer<typeof ImageCheck>;

/** Exact Shapley values over the modality groups (sum = probability − baseline probability). */
export const ModalityContributions = z.record(ModalityGroup, z.number());
export type ModalityContributions = z.infer<typeof ModalityContributions>;

const explanationShape = {
  /** the headline head's modality contributions (what the risk panel shows) */
  modalityContributions: ModalityContributions,
  /** which head `modalityContributions` / `saliency` refer to (largest image contribution) */
  modalityContributionsHead: HeadId,
  modalityContributionsByHead: z.record(HeadId, ModalityContributions),
  baselineProbability: z.record(HeadId, probability),
  /** the headline attributions over all heads, largest |contribution| first */
  featureAttributions: z.array(FeatureAttribution),
  /** integrated-gradients attributions per head, largest |contribution| first */
  featureAttributionsByHead: z.record(HeadId, z.array(FeatureAttribution)),
  /** Grad-CAM of the headline head (null on the record-only path) */
  saliency: SaliencyMap.nullable(),
  /** Grad-CAM per head (absent on the record-only path) */
  saliencyByHead: z.record(HeadId, SaliencyMap).optional(),
  /** null when no image was checked */
  imageCheck: ImageCheck.nullable(),
  /** per head: the factors as clinical facts, largest |contribution| first (absent on rows written before 2026-12) */
  factorsByHead: z.record(HeadId, z.array(ClinicalFactor)).optional(),
  /** inputs outside what the model saw in training (absent on rows written before 2026-12 or by a bundle without training ranges) */
  inputsOutsideTraining: z.array(InputOutsideTraining).optional(),
};

/** What lib/fusion explains about one assessment. */
export const ModelExplanation = z.strictObject(explanationShape);
export type ModelExplanation = z.infer<typeof ModelExplanation>;

export const StoredEmbeddings = z.strictObject({
  /** image encoder output (null on the record-only path) */
  image: z.array(z.number()).nullable(),
  /** tabular encoder output */
  tabular: z.array(z.number()),
  /** fusion layer output (null on the record-only path) */
  fused: z.array(z.number()).nullable(),
});
export type StoredEmbeddings = z.infer<typeof StoredEmbeddings>;

/** Milliseconds per pipeline stage. */
export const StageTimings = z.record(z.string().min(1), z.number().nonnegative());
export type StageTimings = z.infer<typeof StageTimings>;

/** What lib/fusion `assess` returns. */
export const AssessmentResult = z.strictObject({
  modelName: z.string().min(1),
  modelVersion: z.string().min(1),
  strategy: FusionStrategy,
  /** the TensorFlow.js backend that ran it */
  backend: z.string().min(1),
  path: AssessmentPath,
  scores: StoredScores,
  intervalMethod: z.string().min(1),
  embeddings: StoredEmbeddings,
  explanation: ModelExplanation,
  timings: StageTimings,
  /** machine-readable warnings, e.g. "no_image_tabular_path" (lib/domain/assessment-flags.ts) */
  flags: z.array(z.string().min(1)),
});
export type AssessmentResult = z.infer<typeof AssessmentResult>;

const provenanceShape = {
  path: AssessmentPath,
  intervalMethod: z.string().min(1),
  backend: z.string().min(1),
  /**
   * Written by workers until 2026-12 (the bundle's labels at the time); nothing reads it: labels
   * come from the model registry (ModelVersion.outcomes).
   */
  headLabels: z.record(HeadId, z.string()).optional(),
};

/** The Assessment.explanation column: the model's explanation and how the scores were made. */
export const StoredExplanation = z.strictObject({ ...explanationShape, ...provenanceShape });
export type StoredExplanation = z.infer<typeof StoredExplanation>;

const { saliency: _saliency, saliencyByHead: _saliencyByHead, ...explanationWithoutMaps } = explanationShape;
/** The explanation without its image-sized saliency maps (lists cut them out in SQL). */
export const StoredExplanationSummary = z.strictObject({ ...explanationWithoutMaps, ...provenanceShape });
export type StoredExplanationSummary = z.infer<typeof StoredExplanationSummary>;

const storedColumns = {
  modelName: z.string().min(1),
  modelVersion: z.string().min(1),
  strategy: FusionStrategy,
  scores: StoredScores,
  timings: StageTimings,
  flags: z.array(z.string().min(1)),
};

type Checked = {
  strategy: FusionStrategy;
  scores: StoredScores;
  embeddings?: StoredEmbeddings;
  explanation: StoredExplanationSummary & { saliency?: SaliencyMap | null; saliencyByHead?: Record<string, SaliencyMap> };
};

/** How many bytes a base64 text decodes to (-1 when its length is not a multiple of 4). */
const base64Bytes = (s: string) => (s.length % 4 ? -1 : (s.length / 4) * 3 - (s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0));

/** What one field-by-field schema cannot say: the parts agree with each other. */
function checkConsistent(v: Checked, ctx: z.RefinementCtx) {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const heads = Object.keys(v.scores);
  if (!heads.length) issue(["scores"], "no head was scored");
  for (const [h, s] of Object.entries(v.scores))
    if (!(s.interval[0] <= s.probability && s.probability <= s.interval[1])) issue(["scores", h, "interval"], "the interval does not contain the probability");
  const e = v.explanation;
  if (heads.length && !heads.includes(e.modalityContributionsHead)) issue(["explanation", "modalityContributionsHead"], `${e.modalityContributionsHead} is not a scored head`);
  for (const key of ["modalityContributionsByHead", "baselineProbability", "featureAttributionsByHead", "saliencyByHead", "factorsByHead"] as const)
    for (const h of Object.keys(e[key] ?? {})) if (!heads.includes(h)) issue(["explanation", key, h], `${h} is not a scored head`);
  const maps = [...(e.saliency ? [["saliency", e.saliency] as const] : []), ...Object.entries(e.saliencyByHead ?? {}).map(([h, m]) => [`saliencyByHead.${h}`, m] as const)];
  for (const [where, m] of maps)
    if (base64Bytes(m.data) !== m.width * m.height) issue(["explanation", ...where.split(".")], `data is not ${m.width}×${m.height} bytes`);
  if (e.path === "tabular_only" && v.strategy !== "tabular_only") issue(["strategy"], "the record-only path ran, so the strategy is tabular_only");
  if (v.embeddings && e.path === "tabular_only" && (v.embeddings.image !== null || v.embeddings.fused !== null))
    issue(["embeddings"], "the record-only path has no image or fused embedding");
}

/**
 * What the worker stores for a finished assessment: the model that ran and the JSON columns
 * `scores`, `embeddings`, `explanation`, `timings`, plus `flags`.
 */
export const StoredAssessment = z.strictObject({ ...storedColumns, embeddings: StoredEmbeddings, explanation: StoredExplanation }).superRefine(checkConsistent);
export type StoredAssessment = z.infer<typeof StoredAssessment>;

/** A finished row as the workspace lists read it: no embeddings, no saliency maps. */
export const StoredAssessmentSummary = z.strictObject({ ...storedColumns, explanation: StoredExplanationSummary }).superRefine(checkConsistent);
export type StoredAssessmentSummary = z.infer<typeof StoredAssessmentSummary>;

/** A finished row as the assessment detail reads it: everything but the embeddings. */
export const StoredAssessmentDetail = z.strictObject({ ...storedColumns, explanation: StoredExplanation }).superRefine(checkConsistent);
export type StoredAssessmentDetail = z.infer<typeof StoredAssessmentDetail>;

/** The row's columns from what lib/fusion returned (the worker adds its own timings and flags). */
export function toStoredAssessment(r: AssessmentResult): StoredAssessment {
  return {
    modelName: r.modelName,
    modelVersion: r.modelVersion,
    strategy: r.path === "tabular_only" ? "tabular_only" : r.strategy,
    scores: r.scores,
    embeddings: r.embeddings,
    explanation: { ...r.explanation, path: r.path, intervalMethod: r.intervalMethod, backend: r.backend },
    timings: r.timings,
    flags: r.flags,
  };
}

/* ---------- what the API and the risk panel show (lib/db/assessments.ts) ---------- */

export const HeadScoreView = z.strictObject({
  head: HeadId,
  /** where this head's "moderate" and "high" begin (ModelVersion.outcomes); null when the model version is not registered */
  categories: z.strictObject({ moderateFrom: probability, highFrom: probability }).nullable(),
  /** the model's words for the head (ModelVersion.outcomes); the head id when the model version is not registered */
  label: z.string(),
  shortLabel: z.string(),
  probability,
  interval: z.tuple([probability, probability]),
  category: RiskCategory,
});
export type HeadScoreView = z.infer<typeof HeadScoreView>;

export const ModalityContributionView = z.strictObject({
  modality: ModalityGroup,
  label: z.string(),
  /** this group's share of the total |contribution| */
  share: z.number().min(0).max(1),
  direction: FeatureAttribution.shape.direction,
});
export type ModalityContributionView = z.infer<typeof ModalityContributionView>;

export const ImageCheckView = ImageCheck.pick({ distance: true, threshold: true, inDistribution: true });
export type ImageCheckView = z.infer<typeof ImageCheckView>;

export const AssessmentNotice = z.strictObject({ flag: z.string(), severity: z.enum(["caution", "info"]), text: z.string() });
export type AssessmentNotice = z.infer<typeof AssessmentNotice>;

/** One outcome's Grad-CAM map as the viewer draws it, with the model's words for that outcome. */
export const OutcomeSaliencyView = SaliencyMap.pick({ width: true, height: true, data: true, frame: true, head: true }).extend({
  /** the model's words for the outcome the map explains, as in `scores` (the head id when the model version is not registered) */
  label: z.string(),
  /** the model's short words for it, as in `scores` (the legend's outcome list) */
  shortLabel: z.string(),
});
export type OutcomeSaliencyView = z.infer<typeof OutcomeSaliencyView>;

/** The headline map (the explained head's) and every outcome's map, so the viewer can say — and let the clinician pick — which outcome it shows. */
export const SaliencyView = OutcomeSaliencyView.extend({
  /** one map per outcome, in the order of `scores` (the headline one among them); only the headline map on rows without per-head maps */
  byOutcome: z.array(OutcomeSaliencyView),
});
export type SaliencyView = z.infer<typeof SaliencyView>;

/**
 * "The record changed since this score": the record parts changed after the version the
 * assessment read (lib/jobs/record-changed.ts), and whether a re-assessment is already queued.
 */
export const RecordChangedSince = z.strictObject({
  /** the record version the score used, and the record's version now */
  scoreVersion: z.number().int(),
  recordVersion: z.number().int(),
  parts: z.array(RecordPart),
  /** number of changes since the score */
  changes: z.number().int().nonnegative(),
  lastChangedAt: timestamp,
});
export type RecordChangedSince = z.infer<typeof RecordChangedSince>;

/** A factor as the risk panel shows it (a ClinicalFactor; rows written before 2026-12 show their stored feature label). */
export const FactorView = ClinicalFactor.pick({ text: true, contribution: true, direction: true, clinicalDirection: true, againstClinicalKnowledge: true });
export type FactorView = z.infer<typeof FactorView>;

/** One outcome's explanation: what its score rests on and its top factors (the clinician picks the outcome). */
export const OutcomeExplanationView = z.strictObject({
  head: HeadId,
  /** the model's words for the outcome, as in `scores` */
  label: z.string(),
  modalityContributions: z.array(ModalityContributionView),
  factors: z.array(FactorView),
});
export type OutcomeExplanationView = z.infer<typeof OutcomeExplanationView>;

export const AssessmentView = z.strictObject({
  id,
  patientId: id,
  scanId: id.nullable(),
  modelName: z.string(),
  modelVersion: z.string(),
  strategy: FusionStrategy,
  status: AssessmentStatus,
  error: z.string().nullable(),
  flags: z.array(z.string()),
  createdAt: timestamp,
  completedAt: timestamp.nullable(),
  scores: z.array(HeadScoreView),
  modalityContributions: z.array(ModalityContributionView),
  /** the head the contributions / saliency explain */
  explainedHead: HeadId.nullable(),
  featureAttributions: z.array(FeatureAttribution),
  hasSaliency: z.boolean(),
  /** the image out-of-distribution check (distance of the image's features to the training images), when the image was checked */
  imageCheck: ImageCheckView.nullable(),
  /** per outcome, in the order of `scores`: contributions and top factors */
  explanations: z.array(OutcomeExplanationView),
  /** inputs the model never saw in training (flag `input_outside_training_range`) */
  inputsOutsideTraining: z.array(InputOutsideTraining),
  /** how the uncertainty interval was made, as the model reported it (null until done) */
  intervalMethod: z.string().nullable(),
  /** the pipeline's flags in words, cautions first (empty until done) */
  notices: z.array(AssessmentNotice),
  timings: StageTimings,
  /** a finished row whose stored result does not match StoredAssessment: what is wrong (then nothing else of it is shown) */
  resultError: z.string().nullable(),
  /** the patient's record version the worker read (null while queued, and for rows from before record versions) */
  recordVersion: z.number().int().nullable(),
  /** set when the record changed after this score was made (null: current, or not finished) */
  recordChanged: RecordChangedSince.nullable(),
  /** a queued automatic re-assessment after a record change runs no earlier than this (debounce); null otherwise */
  scheduledFor: timestamp.nullable(),
  /** the scan's header names another patient or nobody (attached with a reason); null: it matched, or no scan */
  scanIdentityFlag: ScanIdentityFlag.nullable(),
});
export type AssessmentView = z.infer<typeof AssessmentView>;

export const AssessmentDetail = AssessmentView.extend({
  /** Grad-CAM of the explained head (base64 of width×height uint8 over the whole frame), which outcome it explains, and every outcome's map */
  saliency: SaliencyView.nullable(),
});
export type AssessmentDetail = z.infer<typeof AssessmentDetail>;

/** A zod error as one line a reader can act on: "explanation.saliency.width: expected number; …". */
export function describeIssues(e: z.ZodError, max = 5): string {
  const parts = e.issues.slice(0, max).map((i) => `${i.path.map(String).join(".") || "(row)"}: ${i.message}`);
  return parts.join("; ") + (e.issues.length > max ? `; and ${e.issues.length - max} more` : "");
}
