import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { Page, Patient, PatientSearch } from "@/lib/domain";
import { patientWhere } from "./patients";
import { toPatient } from "./mappers";
import { normaliseScores, type HeadScore } from "./assessments";

/** A patient-list row: demographics plus the latest finished assessment's risk per head. */
export type PatientListRow = Patient & { lastAssessmentAt: string | null; maxRisk: number | null; latestRisk: HeadScore[] };

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

/** The clinician's patient list: search, sort (incl. last assessment / highest risk), paging. */
export async function listPatients(db: PrismaClient, s: PatientSearch): Promise<Page<PatientListRow>> {
  const where = patientWhere(s.q);
  const [total, rows] = await Promise.all([
    db.patient.count({ where }),
    db.patient.findMany({ where, orderBy: listOrder(s.sort), skip: (s.page - 1) * s.pageSize, take: s.pageSize }),
  ]);
  return {
    items: rows.map((r) => ({
      ...toPatient(r),
      lastAssessmentAt: r.lastAssessmentAt?.toISOString() ?? null,
      maxRisk: r.maxRisk,
      latestRisk: normaliseScores(r.latestScores),
    })),
    total,
    page: s.page,
    pageSize: s.pageSize,
  };
}
