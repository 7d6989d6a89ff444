import type { FusionRecordInput } from "@/lib/domain/record";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import type { ModelRegistryEntry } from "@/lib/db/model-registry";
import type { StoredAssessment } from "@/lib/domain/assessment";

/**
 * The image the model receives: modality values (HU for CT) of the assessed frame, with the
 * header's Pixel Spacing and Image Orientation (Patient) when the scan has them (a model with
 * physical-space preprocessing resamples with them; lib/fusion/physical.ts).
 */
export type ModelImage = {
  rows: number;
  columns: number;
  data: Float32Array;
  modality: string;
  geometry?: { pixelSpacingMm: [number, number] | null; orientation: number[] | null } | null;
};

/**
 * What the worker stores for one assessment (lib/domain/assessment.ts StoredAssessment); the
 * worker adds its own load / decode timings and flags and validates the whole before writing.
 */
export type AssessmentOutcome = StoredAssessment;

/** The fusion runtime as the worker sees it; lib/jobs/fusion-assessor.ts adapts lib/fusion to it. */
export interface Assessor {
  readonly model: { name: string; version: string; strategy: FusionStrategy; backend: string };
  /** Which modalities the image branch was trained on (others take the tabular path, flagged). */
  readonly imageModalities: readonly string[];
  assess(input: { record: FusionRecordInput; image: ModelImage | null }): Promise<AssessmentOutcome>;
  /** what the model registry records of the served model (absent for test doubles) */
  readonly registry?: ModelRegistryEntry;
}
