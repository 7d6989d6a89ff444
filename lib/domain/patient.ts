import { z } from "zod";
import { isoDate, notInFuture, pageQuery, text } from "./common";
import { personName } from "./names";

import { Sex } from "./enums";
import { id, timestamp } from "./scalars";
export { Sex, sexValues } from "./enums";

const name = personName(100);

export const PatientCreate = z.strictObject({
  mrn: text()
    .trim()
    .regex(/^[A-Za-z0-9-]{3,32}$/, "must be 3–32 letters, digits or dashes"),
  givenName: name,
  familyName: name,
  birthDate: isoDate
    .refine(notInFuture, "cannot be in the future")
    .refine((s) => s >= "1880-01-01", "is before 1880"),
  sex: Sex,
});
export type PatientCreate = z.infer<typeof PatientCreate>;

export const PatientUpdate = PatientCreate.partial().refine((v) => Object.keys(v).length > 0, {
  message: "give at least one field to change",
});
export type PatientUpdate = z.infer<typeof PatientUpdate>;

export const patientSortValues = ["name", "-name", "mrn", "birthDate", "-birthDate", "updated", "-updated", "lastAssessment", "-lastAssessment", "risk", "-risk"] as const;
export const PatientSearch = pageQuery.extend({
  q: text().overwrite((s) => s.normalize("NFC")).trim().max(100, "must be 100 characters or fewer").optional().default(""),
  sort: z.enum(patientSortValues, { message: `must be one of ${patientSortValues.join(", ")}` }).default("name"),
});
export type PatientSearch = z.infer<typeof PatientSearch>;

/** A patient as stored and answered. */
export const Patient = PatientCreate.extend({ id, createdAt: timestamp, updatedAt: timestamp });
export type Patient = z.infer<typeof Patient>;

/** Age in whole years on a given date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split("-").map(Number);
  const [y, m, d] = on.split("-").map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
