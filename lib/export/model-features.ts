/**
 * The `features` column group: the fusion model's own tabular encoder (lib/fusion/encoders).
 * STUB while lib/fusion is not yet committed: no model-encoder columns. The working version
 * adapts lib/fusion/encoders (see features.ts for the top-coded age).
 */
import type { FeatureRecord } from "./features";

export type ModelFeatureSpec = { name: string; encoderName: string; unit: string; block: string; description: string };
export const MODEL_ENCODER_VERSION: string | null = null;
export const MODEL_FEATURE_COLUMNS: ModelFeatureSpec[] = [];
export function encodeModelFeatures(_rec: FeatureRecord, _asOf: string, _ageTopCoded: number): number[] {
  return [];
}
