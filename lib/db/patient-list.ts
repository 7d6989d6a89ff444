import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { foldSearchText, type Patient, type PatientListPage, type PatientListRow, type PatientSearch } from "@/lib/domain";
import { StoredScores, type HeadScoreView } from "@/lib/domain/assessment";
import { scoreViews } from "./assessments";
import { activeOutcomes } from "./model-registry";
import { toPatient } from "./mappers";
import { recordPartValues } from "@/lib/domain/scan";

/**
 * Exact totals are counted up to this many matches; beyond it the list says "more than 1,000"
 * (counting all 100k rows costs more than the sorted page itself, and nobody pages that far).
 */
export const COUNT_CAP = 1_000;

/** A patient-list row: demographics plus the latest finished assessment's risk per head (lib/domain/responses.ts). */
export type { PatientListRow };

/**
 * ORDER BY for every sort the list offers. "-lastAssessment" and "-risk" read the denormalised
 * Patient.lastAssessmentAt / maxRisk (kept by the Assessment trigger) and walk their
 * (DESC NULLS LAST, id) indexes, so page 1 of 100k patients is an index scan with a LIMIT.
 * Patients never assessed sort last in either direction.
 */
export function listOrder(sort: PatientSearch["sort"]): Prisma.PatientOrderByWithRelationInput[] {
  const dir = sort.startsWith("-") ? "desc" : "asc";
  switch (sort.replace(/^-/, "")) {
    case "mrn":
      return [{ mrn: dir }];
    case "birthDate":
      return [{ birthDate: dir }, { id: "asc" }];
    case "updated":
      return [{ updatedAt: dir }, { id: "asc" }];
    case "lastAssessment":
      return [{ lastAssessmentAt: { sort: dir, nulls: "last" } }, { id: "asc" }];
    case "risk":
      return [{ maxRisk: { sort: dir, nulls: "last" } }, { id: "asc" }];
    default:
      return [{ familyName: dir }, { givenName: dir }, { id: "asc" }];
  }
}

const ORDER_SQL: Record<string, string> = {
  name: `"familyName" ASC, "givenName" ASC, "id" ASC`,
  "-name": `"familyName" DESC, "givenName" DESC, "id" ASC`,
  mrn: `"mrn" ASC`,
  "-mrn": `"mrn" DESC`,
  birthDate: `"birthDate" ASC, "id" ASC`,
  "-birthDate": `"birthDate" DESC, "id" ASC`,
  updated: `"updatedAt" ASC, "id" ASC`,
  "-updated": `"updatedAt" DESC, "id" ASC`,
  lastAssessment: `"lastAssessmentAt" ASC NULLS LAST, "id" ASC`,
  "-lastAssessment": `"lastAssessmentAt" DESC NULLS LAST, "id" ASC`,
  risk: `"maxRisk" ASC NULLS LAST, "id" ASC`,
  "-risk": `"maxRisk" DESC NULLS LAST, "id" ASC`,
};

/**
 * A word shaped like the start of an MRN (letters, a dash, digits: "DEMO-00012") matches MRNs that
 * begin with it, through a btree (migration 20261128004000_mrn_prefix); names never contain digits.
 */
export const isMrnPrefix = (w: string) => /^[a-z]+-\d+$/i.test(w);

/**
 * Search condition: every word of `q` (at most 5), folded like the stored text (accents and
 * apostrophes off, lower case: lib/domain/search-fold.ts), is a substring of "searchKey" — the
 * folded family || ' ' || given || ' ' || mrn, served by the trigram index
 * "Patient_searchKey_trgm_idx" (migration 20261203130000_search_fold) — or, when MRN-shaped, a
 * prefix of the MRN. Same matches as patientWhere().
 */
export function searchCondition(q: string): Prisma.Sql {
  const words = searchWords(q);
  if (!words.length) return Prisma.sql`TRUE`;
  const escaped = (w: string) => w.replace(/[\\%_]/g, (c) => `\\${c}`);
  return Prisma.join(
    words.map((w) =>
      isMrnPrefix(w)
        ? Prisma.sql`lower("mrn") LIKE ${`${escaped(w.toLowerCase())}%`}`
        : Prisma.sql`"searchKey" LIKE ${`%${escaped(foldSearchText(w))}%`}`,
    ),
    " AND ",
  );
}

/** The words of a search (at most 5); a word that folds to nothing (a lone apostrophe) is dropped. */
export function searchWords(q: string): string[] {
  return q.split(/[\s,]+/).filter((w) => w && foldSearchText(w)).slice(0, 5);
}

type RawPatient = {
  id: string; mrn: string; givenName: string; familyName: string; birthDate: Date; sex: Patient["sex"]; createdAt: Date; updatedAt: Date;
  lastAssessmentAt: Date | null; maxRisk: number | null; latestScores: unknown;
  /** the parts changed since the latest score's record version (null: current, or no score) */
  changedParts: string[] | null;
};

/** The clinician's patient list: search, sort (incl. last assessment / highest risk), paging. */
export async function listPatients(db: PrismaClient, s: PatientSearch): Promise<PatientListPage> {
  const where = searchCondition(s.q);
  // count at least up to the end of this page, so the pager always knows whether a next page exists
  const cap = Math.max(COUNT_CAP, s.page * s.pageSize) + 1;
  const order = Prisma.raw(ORDER_SQL[s.sort] ?? ORDER_SQL.name);
  const [[{ n }], rows, outcomes] = await Promise.all([
    db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS "n" FROM (SELECT 1 FROM "Patient" WHERE ${where} LIMIT ${cap}) AS m`,
    db.$queryRaw<RawPatient[]>`
      SELECT "id", "mrn", "givenName", "familyName", "birthDate", "sex"::text AS "sex", "createdAt", "updatedAt",
             "lastAssessmentAt", "maxRisk", "latestScores",
             CASE WHEN "latestScores" IS NOT NULL AND "latestScoresRecordVersion" < "recordVersion" THEN
               ARRAY(SELECT DISTINCT unnest(rc."parts") FROM "RecordChange" rc
                      WHERE rc."patientId" = "Patient"."id" AND rc."version" > "Patient"."latestScoresRecordVersion")
             END AS "changedParts"
        FROM "Patient" WHERE ${where}
       ORDER BY ${order}
       LIMIT ${s.pageSize} OFFSET ${(s.page - 1) * s.pageSize}`,
    activeOutcomes(db),
  ]);
  return {
    items: rows.map((r) => ({
      ...toPatient(r),
      lastAssessmentAt: r.lastAssessmentAt?.toISOString() ?? null,
      maxRisk: r.maxRisk,
      latestRisk: latestRisk(r.latestScores, outcomes),
      // "the record changed since this score" (the newest score in force read an older record version)
      recordChangedSinceScore: r.changedParts ? { parts: recordPartValues.filter((p) => r.changedParts!.includes(p)) } : null,
    })),
    total: Math.min(n, cap - 1),
    totalIsLowerBound: n >= cap,
    page: s.page,
    pageSize: s.pageSize,
  };
}

/**
 * Patient.latestScores is a copy of the newest finished assessment's `scores` (kept by the
 * database trigger), parsed with the stored-assessment schema; labelled with the active model's
 * outcomes. Scores that do not parse are not shown (their assessment says why on the record page).
 */
function latestRisk(raw: unknown, outcomes: Awaited<ReturnType<typeof activeOutcomes>>): HeadScoreView[] {
  if (raw === null || raw === undefined) return [];
  const p = StoredScores.safeParse(raw);
  return p.success ? scoreViews(p.data, outcomes) : [];
}
