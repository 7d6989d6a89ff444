import type { Prisma } from "@/lib/generated/prisma/client";

/*
 * What the working views read (issue 12, "entered in error"): a scan entered in error, an
 * assessment entered in error and an assessment superseded because its scan was entered in error
 * are kept — nothing is physically deleted — but left out of the record page, the patient list,
 * new assessments and research exports. The admin view (/admin/entered-in-error) and the audit
 * trail still show them. The SQL spellings serve raw queries (lib/db/assessments.ts, lib/export).
 */
export const scanInForce = { enteredInErrorAt: null } satisfies Prisma.ScanWhereInput;

export const assessmentInForce = {
  enteredInErrorAt: null,
  supersededAt: null,
  OR: [{ scanId: null }, { scan: { enteredInErrorAt: null } }],
} satisfies Prisma.AssessmentWhereInput;

/** SQL for an Assessment row aliased `alias` that is in force (its scan too). */
export const assessmentInForceSql = (alias: string) =>
  `${alias}."enteredInErrorAt" IS NULL AND ${alias}."supersededAt" IS NULL AND (${alias}."scanId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Scan" eie WHERE eie."id" = ${alias}."scanId" AND eie."enteredInErrorAt" IS NOT NULL))`;
