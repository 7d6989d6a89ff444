import { z } from "zod";
import { isoDate, notInFuture, text, uuid } from "./common";
import { id, timestamp } from "./scalars";
import { HeadId } from "./outcomes";
import { TrainingJobStatus } from "./enums";

/**
 * The model lifecycle's inputs and answers (lib/training/README.md): training snapshots built from
 * the database, training jobs on the queue, and registry status changes with a reason.
 */

/** models/fusion STRATEGIES (the product's names for them). */
export const trainingStrategyValues = ["joint", "early", "late", "image_only", "tabular_only", "early_strong"] as const;
export const TrainingStrategy = z.enum(trainingStrategyValues, { message: `must be one of ${trainingStrategyValues.join(", ")}` });
export type TrainingStrategy = z.infer<typeof TrainingStrategy>;

/** POST /api/training/snapshots */
export const SnapshotCreate = z.strictObject({
  indexDate: isoDate.refine(notInFuture, "cannot be in the future"),
  /** default: the active model's heads */
  heads: z.array(HeadId).min(1).max(20).optional(),
  /** the image input's side in pixels (default: the active model's); 0 = no image column */
  imageSize: z.number().int().min(0).max(256).optional(),
});
export type SnapshotCreate = z.infer<typeof SnapshotCreate>;

export const LabelCounts = z.record(z.string(), z.strictObject({ positive: z.number().int(), negative: z.number().int(), censored: z.number().int() }));

export const TrainingSnapshotView = z.strictObject({
  id,
  sha256: z.string(),
  indexDate: isoDate,
  heads: z.array(z.string()),
  imageSize: z.number().int().nullable(),
  rows: z.number().int(),
  imageRows: z.number().int(),
  bytes: z.number().int(),
  labels: LabelCounts,
  createdAt: timestamp,
});
export type TrainingSnapshotView = z.infer<typeof TrainingSnapshotView>;

/** POST /api/training/jobs — `tiny`: a few epochs of a small network with few bootstrap draws (tests, demos). */
export const TrainingStart = z.strictObject({
  snapshotId: uuid,
  strategy: TrainingStrategy.default("joint"),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  epochs: z.number().int().min(1).max(200).default(20),
  tiny: z.boolean().default(false),
});
export type TrainingStart = z.infer<typeof TrainingStart>;

export const TrainingProgress = z.strictObject({
  epoch: z.number(),
  epochs: z.number(),
  loss: z.number().nullable(),
  valLoss: z.number().nullable().optional(),
  etaSeconds: z.number().nullable().optional(),
  phase: text().max(80),
});
export type TrainingProgress = z.infer<typeof TrainingProgress>;


export const TrainingJobView = z.strictObject({
  id,
  snapshotId: id,
  snapshotSha256: z.string(),
  strategy: z.string(),
  seed: z.number().int(),
  epochs: z.number().int(),
  tiny: z.boolean(),
  status: TrainingJobStatus,
  progress: TrainingProgress.nullable(),
  error: z.string().nullable(),
  cancelRequested: z.boolean(),
  modelVersionId: id.nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  completedAt: timestamp.nullable(),
});
export type TrainingJobView = z.infer<typeof TrainingJobView>;

/** POST /api/models/{name}/{version}/status — what an admin does to a version, always with a reason. */
export const modelActionValues = ["shadow", "activate", "retire", "rollback"] as const;
export const ModelStatusChange = z.strictObject({
  action: z.enum(modelActionValues, { message: `must be one of ${modelActionValues.join(", ")}` }),
  reason: text().trim().min(5, "say why (at least 5 characters)").max(1000, "must be 1000 characters or fewer"),
});
export type ModelStatusChange = z.infer<typeof ModelStatusChange>;
