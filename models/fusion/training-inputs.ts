/**
 * The training inputs' range, recorded in a served bundle (`inference.json` `trainingInputs`) so
 * that lib/fusion/factors.ts can flag a record the model never saw the like of (a sex no training
 * patient had, an age or intake outside the training range). Computed from the synthetic cohort
 * generator the bundle was trained on — the same records, encoded by the same encoders — without
 * retraining anything.
 */
import { encodeRecord, FEATURES } from "@/lib/fusion/encoders";
import type { TrainingInputs } from "@/lib/fusion/factors";
import { generatePatient, toRecordInput } from "./cohort";

export type CohortSource = TrainingInputs["source"];

/** Per-feature [min, max] of the encoded training records, and the sexes they had. */
export function trainingInputRanges(source: CohortSource): TrainingInputs {
  const min = new Float64Array(FEATURES.length).fill(Infinity);
  const max = new Float64Array(FEATURES.length).fill(-Infinity);
  const sexes = new Set<string>();
  for (let i = 0; i < source.n; i++) {
    const record = toRecordInput(generatePatient(source.seed, source.offset + i));
    sexes.add(record.sex);
    const { vector } = encodeRecord(record);
    for (let j = 0; j < vector.length; j++) {
      if (vector[j] < min[j]) min[j] = vector[j];
      if (vector[j] > max[j]) max[j] = vector[j];
    }
  }
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    source,
    features: Object.fromEntries(FEATURES.map((f, j) => [f.name, { min: r6(min[j]), max: r6(max[j]) }])),
    sexes: [...sexes].sort(),
  };
}
