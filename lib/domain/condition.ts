import { z } from "zod";
import { atLeastOneField, isoDate, notInFuture } from "./common";

export const codeSystemValues = ["ICD10", "SNOMED"] as const;
export const CodeSystem = z.enum(codeSystemValues, { message: "must be ICD10 or SNOMED" });
export type CodeSystem = z.infer<typeof CodeSystem>;

/** ICD-10 (WHO/CM) code shape: letter, two digits, optional dot and up to four more characters. */
export const icd10Code = /^[A-TV-Z][0-9][0-9AB](\.[0-9A-Z]{1,4})?$/;
export const snomedCode = /^[0-9]{6,18}$/;

export const conditionStatusValues = ["active", "resolved"] as const;

const coded = {
  codeSystem: CodeSystem.default("ICD10"),
  code: z.string().trim().toUpperCase(),
  display: z.string().trim().min(1, "is required").max(200, "must be 200 characters or fewer"),
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
    status: z.enum(conditionStatusValues, { message: "must be active or resolved" }).default("active"),
  })
  .superRefine(checkCode);
export type ConditionCreate = z.infer<typeof ConditionCreate>;

export const ConditionUpdate = z
  .strictObject({
    codeSystem: CodeSystem.optional(),
    code: coded.code.optional(),
    display: coded.display.optional(),
    onsetDate: isoDate.refine(notInFuture, "cannot be in the future").nullable().optional(),
    status: z.enum(conditionStatusValues, { message: "must be active or resolved" }).optional(),
  })
  .refine(...atLeastOneField)
  .superRefine(checkCodeIfBoth);
export type ConditionUpdate = z.infer<typeof ConditionUpdate>;

export type Condition = {
  id: string;
  patientId: string;
  codeSystem: CodeSystem;
  code: string;
  display: string;
  onsetDate: string | null;
  status: (typeof conditionStatusValues)[number];
  createdAt: string;
  updatedAt: string;
};

export { checkCode, checkCodeIfBoth };
