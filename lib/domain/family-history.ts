import { z } from "zod";
import { atLeastOneField, text } from "./common";
import { CodeSystem, checkCode, checkCodeIfBoth } from "./condition";

import { Relationship } from "./enums";
import { id, timestamp } from "./scalars";
export { Relationship, relationshipValues } from "./enums";

/** First-degree relatives share ~50% of their genes: the ones risk scores count. */
export const firstDegree: ReadonlySet<Relationship> = new Set(["mother", "father", "sister", "brother", "daughter", "son"]);

/** The field rules, without defaults: create adds them, a patch must not (an absent field stays as stored). */
const fields = {
  relationship: Relationship,
  codeSystem: CodeSystem,
  code: text().trim().toUpperCase(),
  display: text().trim().min(1, "is required").max(200, "must be 200 characters or fewer"),
  ageAtOnset: z.number({ message: "must be a number" }).int("must be a whole number of years").min(0, "cannot be negative").max(120, "must be 120 or less").nullable(),
  deceased: z.boolean({ message: "must be true or false" }),
};

export const FamilyHistoryCreate = z
  .strictObject({
    ...fields,
    codeSystem: fields.codeSystem.default("ICD10"),
    ageAtOnset: fields.ageAtOnset.optional(),
    deceased: fields.deceased.default(false),
  })
  .superRefine(checkCode);
export type FamilyHistoryCreate = z.infer<typeof FamilyHistoryCreate>;

export const FamilyHistoryUpdate = z
  .strictObject(fields)
  .partial()
  .refine(...atLeastOneField)
  .superRefine(checkCodeIfBoth);
export type FamilyHistoryUpdate = z.infer<typeof FamilyHistoryUpdate>;

/** A relative's condition as stored and answered. */
export const FamilyHistory = z.strictObject({
  id,
  patientId: id,
  relationship: Relationship,
  codeSystem: CodeSystem,
  code: z.string(),
  display: z.string(),
  ageAtOnset: z.number().int().nullable(),
  deceased: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type FamilyHistory = z.infer<typeof FamilyHistory>;
