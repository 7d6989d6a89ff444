/**
 * The FHIR read API: a patient's record as R4 resources, searches by patient, and
 * Patient/$everything (one searchset Bundle that import.ts reads back: the round trip).
 */
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { getPatientRecord, type FullPatientRecord } from "@/lib/db/patients";
import { NotFoundError } from "@/lib/domain/errors";
import { toIsoDate } from "@/lib/domain/common";
import { fhirImportConfig } from "./config";
import {
  conditionToFhir, dietToFhir, familyHistoryToFhir, patientToFhir, reference, scanToImagingStudy, smokingStatusToFhir,
  type FhirResource, type ScanForFhir,
} from "./mapping";
import { FhirError } from "./outcome";
import { readAssessments, toRiskAssessment } from "./risk-assessment";

type Db = PrismaClient | Prisma.TransactionClient;

export type SearchBundle = FhirResource & { total: number; entry: { fullUrl: string; resource: FhirResource; search: { mode: "match" | "include" } }[] };

export function searchset(base: string, selfUrl: string, resources: FhirResource[], matchType?: string): SearchBundle {
  return {
    resourceType: "Bundle",
    type: "searchset",
    timestamp: new Date().toISOString(),
    total: matchType ? resources.filter((r) => r.resourceType === matchType).length : resources.length,
    link: [{ relation: "self", url: selfUrl }],
    entry: resources.map((r) => ({
      fullUrl: `${base}/fhir/R4/${r.resourceType}/${r.id}`,
      resource: r,
      search: { mode: !matchType || r.resourceType === matchType ? "match" : "include" },
    })),
  };
}

const notFound = (id: string) => new FhirError(404, [{ severity: "error", code: "not-found", diagnostics: `Patient ${id} was not found`, expression: ["Patient.id"] }]);

async function recordOf(db: Db, id: string): Promise<FullPatientRecord> {
  try {
    return await getPatientRecord(db, id);
  } catch (e) {
    if (e instanceof NotFoundError) throw notFound(id);
    throw e;
  }
}

export async function readPatient(db: Db, id: string): Promise<FhirResource> {
  const row = await db.patient.findUnique({ where: { id } });
  if (!row) throw notFound(id);
  return patientToFhir(
    { id: row.id, mrn: row.mrn, givenName: row.givenName, familyName: row.familyName, birthDate: toIsoDate(row.birthDate), sex: row.sex, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() },
    fhirImportConfig().mrnSystem,
  );
}

/** `identifier=system|value` or `identifier=value`: MRNs of the configured system. */
export async function findPatientsByIdentifier(db: Db, identifier: string): Promise<FhirResource[]> {
  const mrnSystem = fhirImportConfig().mrnSystem;
  const bar = identifier.lastIndexOf("|");
  const system = bar >= 0 ? identifier.slice(0, bar) : null;
  const value = bar >= 0 ? identifier.slice(bar + 1) : identifier;
  if (system !== null && system !== "" && system !== mrnSystem) return [];
  const row = await db.patient.findUnique({ where: { mrn: value }, select: { id: true } });
  return row ? [await readPatient(db, row.id)] : [];
}

async function scansOf(db: Db, patientId: string): Promise<ScanForFhir[]> {
  const rows = await db.$queryRaw<(Omit<ScanForFhir, "acquisitionDate" | "createdAt"> & { acquisitionDate: Date | null; createdAt: Date })[]>`
    SELECT id, "patientId", modality, "studyInstanceUid", "seriesInstanceUid", "sopInstanceUid",
           metadata->'dicom'->>'sopClassUid' AS "sopClassUid", "acquisitionDate", "bodyPart", frames, "createdAt"
    FROM "Scan" WHERE "patientId" = ${patientId}::uuid AND "enteredInErrorAt" IS NULL ORDER BY "createdAt" DESC`;
  return rows.map((r) => ({ ...r, acquisitionDate: toIsoDate(r.acquisitionDate), createdAt: r.createdAt.toISOString() }));
}

export type PatientResources = {
  patient: FhirResource;
  conditions: FhirResource[];
  familyHistory: FhirResource[];
  observations: FhirResource[];
  imagingStudies: FhirResource[];
  riskAssessments: FhirResource[];
};

/** Every resource of one patient's record (what $everything returns). */
export async function patientResources(db: Db, id: string, want: Partial<Record<keyof Omit<PatientResources, "patient">, boolean>> = { conditions: true, familyHistory: true, observations: true, imagingStudies: true, riskAssessments: true }): Promise<PatientResources> {
  const rec = await recordOf(db, id);
  const mrnSystem = fhirImportConfig().mrnSystem;
  const scans = want.imagingStudies || want.riskAssessments ? await scansOf(db, id) : [];
  const out: PatientResources = {
    patient: patientToFhir(rec, mrnSystem),
    conditions: want.conditions ? rec.conditions.map(conditionToFhir) : [],
    familyHistory: want.familyHistory ? rec.familyHistory.map(familyHistoryToFhir) : [],
    observations: [],
    imagingStudies: want.imagingStudies ? scans.map(scanToImagingStudy) : [],
    riskAssessments: [],
  };
  if (want.observations) {
    const smoking = smokingStatusToFhir(id, rec.conditions);
    out.observations = [...(smoking ? [smoking] : []), ...rec.dietRecords.map(dietToFhir)];
  }
  if (want.riskAssessments) {
    const assessments = await readAssessments(db, id);
    out.riskAssessments = assessments.map((a) => {
      // the inputs it read: the record entries that existed when it was requested, and its scan
      const before = (created: string) => created <= a.createdAt;
      const basis = [
        ...rec.conditions.filter((c) => before(c.createdAt)).map((c) => reference("Condition", c.id)),
        ...rec.familyHistory.filter((f) => before(f.createdAt)).map((f) => reference("FamilyMemberHistory", f.id)),
        ...rec.dietRecords.filter((d) => before(d.createdAt)).map((d) => reference("Observation", d.id)),
        ...(a.scanId ? [reference("ImagingStudy", a.scanId)] : []),
      ];
      return toRiskAssessment(a, basis);
    });
  }
  return out;
}

export async function everything(db: Db, id: string, base: string): Promise<SearchBundle> {
  const r = await patientResources(db, id);
  const all = [r.patient, ...r.conditions, ...r.familyHistory, ...r.observations, ...r.imagingStudies, ...r.riskAssessments];
  return searchset(base, `${base}/fhir/R4/Patient/${id}/$everything`, all);
}

/** Patient id → exists, or 404 (searches by patient answer 404 for an unknown patient rather than an empty set). */
export async function requirePatient(db: Db, id: string): Promise<void> {
  if (!(await db.patient.findUnique({ where: { id }, select: { id: true } }))) throw notFound(id);
}

/** Observations of one patient, optionally of one category (social-history: smoking; survey: diet). */
export async function observationsOf(db: Db, patientId: string, category?: "social-history" | "survey"): Promise<FhirResource[]> {
  const r = await patientResources(db, patientId, { observations: true });
  if (!category) return r.observations;
  return r.observations.filter((o) => (o.category as { coding: { code: string }[] }[])[0].coding[0].code === category);
}
