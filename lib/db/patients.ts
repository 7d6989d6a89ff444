import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import {
  ConflictError, NotFoundError, ValidationError, foldSearchText, fromIsoDate, toIsoDate,
  type AssessmentSummary, type FullPatientRecord, type Page, type Patient, type PatientCreate, type PatientSearch, type PatientUpdate, type ScanSummary,
} from "@/lib/domain";
import { StoredScores, describeIssues } from "@/lib/domain/assessment";
import { toCondition, toDietRecord, toFamilyHistory, toPatient } from "./mappers";
import { isMrnPrefix, listOrder, searchWords } from "./patient-list";
import { assessmentInForce, scanInForce } from "./in-force";

type Db = PrismaClient | Prisma.TransactionClient;

function isUniqueViolation(e: unknown, field: string): boolean {
  const err = e as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } };
  if (err?.code !== "P2002") return false;
  const target = JSON.stringify(err.meta ?? {});
  return target.includes(field);
}

export type AfterWrite<T> = (tx: Prisma.TransactionClient, result: T) => Promise<void>;

export async function createPatient(db: PrismaClient, input: PatientCreate, after?: AfterWrite<Patient>): Promise<Patient> {
  try {
    return await db.$transaction(async (tx) => {
      const out = toPatient(await tx.patient.create({ data: { ...input, birthDate: fromIsoDate(input.birthDate) } }));
      await after?.(tx, out);
      return out;
    });
  } catch (e) {
    if (isUniqueViolation(e, "mrn")) throw duplicateMrn(input.mrn);
    throw e;
  }
}

const duplicateMrn = (mrn: string) =>
  new ConflictError("duplicate_mrn", `A patient with MRN ${mrn} already exists`, { issues: [{ path: "mrn", message: "is already in use" }] });

export async function getPatient(db: Db, id: string): Promise<Patient> {
  const row = await db.patient.findUnique({ where: { id } });
  if (!row) throw new NotFoundError("Patient", id);
  return toPatient(row);
}

export async function updatePatient(db: PrismaClient, id: string, patch: PatientUpdate, after?: AfterWrite<Patient>): Promise<Patient> {
  return db.$transaction(async (tx) => {
    const current = await tx.patient.findUnique({ where: { id } });
    if (!current) throw new NotFoundError("Patient", id);
    if (patch.birthDate) {
      // A birth date after a recorded onset would make the history impossible.
      const earliest = await tx.condition.findFirst({
        where: { patientId: id, onsetDate: { not: null, lt: fromIsoDate(patch.birthDate) } },
        orderBy: { onsetDate: "asc" },
      });
      if (earliest)
        throw ValidationError.field("birthDate", `is after the onset of ${earliest.display} (${toIsoDate(earliest.onsetDate)})`);
      const diet = await tx.dietRecord.findFirst({ where: { patientId: id, recordedOn: { lt: fromIsoDate(patch.birthDate) } } });
      if (diet) throw ValidationError.field("birthDate", `is after a diet record dated ${toIsoDate(diet.recordedOn)}`);
    }
    try {
      const row = await tx.patient.update({
        where: { id },
        data: { ...patch, birthDate: patch.birthDate ? fromIsoDate(patch.birthDate) : undefined },
      });
      const out = toPatient(row);
      await after?.(tx, out);
      return out;
    } catch (e) {
      if (patch.mrn && isUniqueViolation(e, "mrn")) throw duplicateMrn(patch.mrn);
      throw e;
    }
  });
}

/**
 * Case-, accent- and apostrophe-insensitive search: every word of `q`, folded
 * (lib/domain/search-fold.ts), must be a substring of the folded family name, given name and MRN
 * ("searchKey", trigram-indexed) — or, for an MRN-shaped word, the start of the MRN. Same matches
 * as searchCondition() in patient-list.ts.
 */
export function patientWhere(q: string): Prisma.PatientWhereInput {
  const words = searchWords(q);
  if (!words.length) return {};
  return {
    AND: words.map((w): Prisma.PatientWhereInput => (isMrnPrefix(w) ? { mrn: { startsWith: w, mode: "insensitive" } } : { searchKey: { contains: foldSearchText(w) } })),
  };
}

export async function searchPatients(db: PrismaClient, s: PatientSearch): Promise<Page<Patient>> {
  const where = patientWhere(s.q);
  const [total, rows] = await Promise.all([
    db.patient.count({ where }),
    db.patient.findMany({ where, orderBy: listOrder(s.sort), skip: (s.page - 1) * s.pageSize, take: s.pageSize }),
  ]);
  return { items: rows.map(toPatient), total, page: s.page, pageSize: s.pageSize };
}

export type { AssessmentSummary, FullPatientRecord, ScanSummary };

/**
 * The whole record: history, family history, diet, scans (metadata only) and assessments — the
 * working view, so scans and assessments entered in error, and assessments superseded because of
 * one, are left out (`inForce`; the admin view lists them).
 */
export async function getPatientRecord(db: Db, id: string): Promise<FullPatientRecord> {
  const row = await db.patient.findUnique({
    where: { id },
    include: {
      conditions: { orderBy: [{ onsetDate: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }] },
      familyHistory: { orderBy: { createdAt: "asc" } },
      dietRecords: { orderBy: { recordedOn: "desc" } },
      scans: {
        where: scanInForce,
        orderBy: { createdAt: "desc" },
        select: {
          id: true, modality: true, acquisitionDate: true, bodyPart: true, rows: true, columns: true, frames: true,
          contentType: true, byteSize: true, transferSyntaxUid: true, photometricInterpretation: true, createdAt: true,
          identityFlag: true, identityReason: true,
        },
      },
      assessments: {
        where: assessmentInForce,
        orderBy: { createdAt: "desc" },
        take: 50,
        select: {
          id: true, scanId: true, modelName: true, modelVersion: true, strategy: true, status: true, error: true,
          scores: true, flags: true, createdAt: true, completedAt: true, recordVersion: true,
        },
      },
    },
  });
  if (!row) throw new NotFoundError("Patient", id);
  return {
    ...toPatient(row),
    conditions: row.conditions.map(toCondition),
    familyHistory: row.familyHistory.map(toFamilyHistory),
    dietRecords: row.dietRecords.map(toDietRecord),
    recordVersion: row.recordVersion,
    scans: row.scans.map((s) => ({
      ...s,
      identityFlag: s.identityFlag === "other_patient" || s.identityFlag === "unidentified" ? s.identityFlag : null,
      acquisitionDate: toIsoDate(s.acquisitionDate),
      createdAt: s.createdAt.toISOString(),
    })),
    assessments: row.assessments.map((a): AssessmentSummary => {
      // a finished row's scores, read with the stored-assessment schema (never guessed at)
      const scores = a.status === "done" ? StoredScores.safeParse(a.scores) : null;
      return {
        ...a,
        scores: scores?.success ? scores.data : null,
        createdAt: a.createdAt.toISOString(),
        completedAt: a.completedAt?.toISOString() ?? null,
        resultError: scores && !scores.success ? `The stored scores do not match the assessment schema: ${describeIssues(scores.error)}` : null,
      };
    }),
  };
}
