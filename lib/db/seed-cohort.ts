import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { fromIsoDate } from "@/lib/domain/common";
import type { PatientCreate, ConditionCreate, FamilyHistoryCreate, DietRecordCreate } from "@/lib/domain";

/** One patient's record as the cohort generator produces it (validated domain inputs). */
export type SeedPatient = {
  patient: PatientCreate;
  conditions: ConditionCreate[];
  familyHistory: FamilyHistoryCreate[];
  dietRecords: DietRecordCreate[];
};

export type SeedResult = { created: number; existing: number };

/**
 * Inserts patients that are not there yet (matched by MRN), in batches, each batch in one
 * transaction. Running it again creates nothing: the seed is idempotent.
 */
export async function seedPatients(db: PrismaClient, patients: SeedPatient[], batchSize = 500): Promise<SeedResult> {
  let created = 0;
  let existing = 0;
  for (let i = 0; i < patients.length; i += batchSize) {
    const batch = patients.slice(i, i + batchSize);
    const have = new Set(
      (await db.patient.findMany({ where: { mrn: { in: batch.map((p) => p.patient.mrn) } }, select: { mrn: true } })).map((r) => r.mrn),
    );
    const todo = batch.filter((p) => !have.has(p.patient.mrn));
    existing += batch.length - todo.length;
    if (!todo.length) continue;
    const ids = todo.map(() => randomUUID());
    await db.$transaction([
      db.patient.createMany({
        data: todo.map((p, k) => ({ id: ids[k], ...p.patient, birthDate: fromIsoDate(p.patient.birthDate) })),
      }),
      db.condition.createMany({
        data: todo.flatMap((p, k) =>
          p.conditions.map((c) => ({ ...c, patientId: ids[k], onsetDate: c.onsetDate ? fromIsoDate(c.onsetDate) : null })),
        ),
      }),
      db.familyHistory.createMany({ data: todo.flatMap((p, k) => p.familyHistory.map((f) => ({ ...f, patientId: ids[k] }))) }),
      db.dietRecord.createMany({
        data: todo.flatMap((p, k) => p.dietRecords.map((d) => ({ ...d, patientId: ids[k], recordedOn: fromIsoDate(d.recordedOn) }))),
      }),
    ]);
    created += todo.length;
  }
  return { created, existing };
}
