/**
 * The `features` column group: the fusion model's own tabular encoder (lib/fusion/encoders),
 * adapted to export rows (see features.ts for why the age is top-coded before encoding).
 */
import type { FeatureRecord } from "./features";
import { encodeRecord, ENCODER_VERSION as MODEL_ENCODER_VERSION, FEATURES as MODEL_FEATURES } from "@/lib/fusion/encoders";
import type { FusionRecordInput } from "@/lib/domain/record";

export { MODEL_ENCODER_VERSION };

export type ModelFeatureSpec = { name: string; encoderName: string; unit: string; block: string; description: string };
export const MODEL_FEATURE_COLUMNS: ModelFeatureSpec[] = MODEL_FEATURES.map((f) => ({
  name: `tab_${f.name.replace(/[^A-Za-z0-9]+/g, "_")}`,
  encoderName: f.name,
  unit: f.unit ?? "0/1 or count",
  block: f.block,
  description: f.label,
}));

/** A birth date that gives exactly `age` on `asOf` (29 Feb → 28 Feb). */
function standInBirthDate(asOf: string, age: number): string {
  const y = Number(asOf.slice(0, 4)) - age;
  const md = asOf.slice(5) === "02-29" ? "02-28" : asOf.slice(5);
  return `${String(y).padStart(4, "0")}-${md}`;
}

/** The model encoder's vector for a record as of `asOf`, with the top-coded age. */
export function encodeModelFeatures(rec: FeatureRecord, asOf: string, ageTopCoded: number): number[] {
  const input: FusionRecordInput = {
    birthDate: standInBirthDate(asOf, ageTopCoded),
    sex: rec.sex as FusionRecordInput["sex"],
    asOf,
    conditions: rec.conditions.map((c) => ({ codeSystem: c.codeSystem as "ICD10", code: c.code, onsetDate: c.onsetDate, status: c.status as "active" })),
    // `deceased` and the diet `method` are not read by the encoder
    familyHistory: rec.familyHistory.map((f) => ({ relationship: f.relationship as never, code: f.code, ageAtOnset: f.ageAtOnset, deceased: false })),
    dietRecords: rec.dietRecords.map((d) => ({ ...d, method: "ffq" as const })),
  };
  return Array.from(encodeRecord(input).vector);
}

