import { z } from "zod";
import { atLeastOneField, isoDate, notInFuture, text } from "./common";

import { CodeSystem, ConditionStatus } from "./enums";
import { id, timestamp } from "./scalars";
export { CodeSystem, codeSystemValues, ConditionStatus, conditionStatusValues } from "./enums";

/** ICD-10 (WHO/CM) code shape: letter, two digits, optional dot and up to four more characters. */
export const icd10Code = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$/;
export const snomedCode = /^[0-9]{6,18}$/;

const coded = {
  codeSystem: CodeSystem.default("ICD10"),
  code: text().trim().toUpperCase(),
  display: text().trim().min(1, "is required").max(200, "must be 200 characters or fewer"),
};

/** Why `code` is not a code of `codeSystem`, or null when it is. */
export function codeProblem(codeSystem: CodeSystem, code: string): string | null {
  if (codeSystem === "ICD10") return icd10Code.test(code) ? null : "is not an ICD-10 code (e.g. I10, E11.9)";
  return snomedCode.test(code) ? null : "is not a SNOMED CT concept id";
}

function checkCode(v: { codeSystem: CodeSystem; code: string }, ctx: z.RefinementCtx) {
  const problem = codeProblem(v.codeSystem, v.code);
  if (problem) ctx.addIssue({ code: "custom", path: ["code"], message: problem });
}

/**
 * A patch carrying both code system and code is checked here; a patch carrying only one of them is
 * checked against the stored other half when it is applied (lib/db/history.ts).
 */
function checkCodeIfBoth(v: { codeSystem?: CodeSystem; code?: string }, ctx: z.RefinementCtx) {
  if (v.codeSystem !== undefined && v.code !== undefined) checkCode({ codeSystem: v.codeSystem, code: v.code }, ctx);
}

export const ConditionCreate = z
  .strictObject({
    ...coded,
    onsetDate: isoDate.refine(notInFuture, "cannot be in the future").nullable().optional(),
    status: ConditionStatus.default("active"),
  })
  .superRefine(checkCode);
export type ConditionCreate = z.infer<typeof ConditionCreate>;

export const ConditionUpdate = z
  .strictObject({
    codeSystem: CodeSystem.optional(),
    code: coded.code.optional(),
    display: coded.display.optional(),
    onsetDate: isoDate.refine(notInFuture, "cannot be in the future").nullable().optional(),
    status: ConditionStatus.optional(),
  })
  .refine(...atLeastOneField)
  .superRefine(checkCodeIfBoth);
export type ConditionUpdate = z.infer<typeof ConditionUpdate>;

/** A medical-history entry as stored and answered. */
export const Condition = z.strictObject({
  id,
  patientId: id,
  codeSystem: CodeSystem,
  code: z.string(),
  display: z.string(),
  onsetDate: isoDate.nullable(),
  status: ConditionStatus,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type Condition = z.infer<typeof Condition>;

export { checkCode, checkCodeIfBoth };
