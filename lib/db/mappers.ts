import type * as P from "@/lib/generated/prisma/client";
import { toIsoDate } from "@/lib/domain/common";
import type { Patient, Condition, FamilyHistory, DietRecord } from "@/lib/domain";

type PatientFields = Pick<P.Patient, "id" | "mrn" | "givenName" | "familyName" | "birthDate" | "sex" | "createdAt" | "updatedAt">;

export const toPatient = (r: PatientFields): Patient => ({
  id: r.id,
  mrn: r.mrn,
  givenName: r.givenName,
  familyName: r.familyName,
  birthDate: toIsoDate(r.birthDate),
  sex: r.sex,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const toCondition = (r: P.Condition): Condition => ({
  id: r.id,
  patientId: r.patientId,
  codeSystem: r.codeSystem,
  code: r.code,
  display: r.display,
  onsetDate: toIsoDate(r.onsetDate),
  status: r.status,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const toFamilyHistory = (r: P.FamilyHistory): FamilyHistory => ({
  id: r.id,
  patientId: r.patientId,
  relationship: r.relationship,
  codeSystem: r.codeSystem,
  code: r.code,
  display: r.display,
  ageAtOnset: r.ageAtOnset,
  deceased: r.deceased,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const toDietRecord = (r: P.DietRecord): DietRecord => ({
  id: r.id,
  patientId: r.patientId,
  recordedOn: toIsoDate(r.recordedOn),
  method: r.method,
  energyKcal: r.energyKcal,
  sodiumMg: r.sodiumMg,
  sugarsG: r.sugarsG,
  saturatedFatG: r.saturatedFatG,
  fibreG: r.fibreG,
  fruitVegServings: r.fruitVegServings,
  redMeatServings: r.redMeatServings,
  alcoholUnits: r.alcoholUnits,
  note: r.note,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
