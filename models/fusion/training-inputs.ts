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

/**
 * The same from encoded training rows (a snapshot's train split): per-feature [min, max]; sexes as
 * the encoding tells them (male, female, or "other" for other / unknown).
 */
export function trainingInputsFromRows(tab: Float32Array, rows: readonly number[], source: CohortSource): TrainingInputs {
  const D = FEATURES.length;
  const male = FEATURES.findIndex((f) => f.name === "hist.male");
  const other = FEATURES.findIndex((f) => f.name === "hist.sex_other_unknown");
  const min = new Float64Array(D).fill(Infinity);
  const max = new Float64Array(D).fill(-Infinity);
  const sexes = new Set<string>();
  for (const r of rows) {
    for (let j = 0; j < D; j++) {
      const v = tab[r * D + j];
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
    sexes.add(tab[r * D + other] >= 0.5 ? "other" : tab[r * D + male] >= 0.5 ? "male" : "female");
  }
  const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return { source, features: Object.fromEntries(FEATURES.map((f, j) => [f.name, { min: r6(min[j]), max: r6(max[j]) }])), sexes: [...sexes].sort() };
}
