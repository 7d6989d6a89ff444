import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import {
  NotFoundError, ValidationError, codeProblem, fromIsoDate, toIsoDate,
  type CodeSystem, type Condition, type ConditionCreate, type ConditionUpdate, type DietRecord, type DietRecordCreate,
  type DietRecordUpdate, type FamilyHistory, type FamilyHistoryCreate, type FamilyHistoryUpdate,
} from "@/lib/domain";
import { toCondition, toDietRecord, toFamilyHistory } from "./mappers";

type Tx = Prisma.TransactionClient;
/** What an update changed: the names of the fields whose value differs from the stored one. */
export type Change = { fields: string[] };
/** Runs inside the write's transaction (e.g. the audit row), so both commit or neither does. */
export type AfterWrite<T> = (tx: Tx, result: T, change?: Change) => Promise<void>;

async function birthDateOf(tx: Tx, patientId: string): Promise<string> {
  const p = await tx.patient.findUnique({ where: { id: patientId }, select: { birthDate: true } });
  if (!p) throw new NotFoundError("Patient", patientId);
  return toIsoDate(p.birthDate);
}

function notBeforeBirth(field: string, date: string | null | undefined, birthDate: string) {
  if (date && date < birthDate) throw ValidationError.field(field, `(${date}) is before the patient's birth date (${birthDate})`);
}

/** The patch's fields whose value differs from the entry as stored (domain shape: dates as YYYY-MM-DD). */
function changedFields(patch: object, current: object): string[] {
  const now = current as Record<string, unknown>;
  return Object.entries(patch).filter(([k, v]) => v !== undefined && v !== now[k]).map(([k]) => k);
}

/** A patch may change the code or its system alone: the pair as it will be stored must still agree. */
function codeStillValid(patch: { codeSystem?: CodeSystem; code?: string }, current: { codeSystem: CodeSystem; code: string }) {
  if (patch.codeSystem === undefined && patch.code === undefined) return;
  const system = patch.codeSystem ?? current.codeSystem;
  const code = patch.code ?? current.code;
  const problem = codeProblem(system, code);
  if (problem) throw ValidationError.field("code", patch.code === undefined ? `${code} ${problem}; change the code together with the code system` : problem);
}

/** Writes touch the patient's updatedAt so "recently changed" sorts and caches see the change. */
const touch = (tx: Tx, patientId: string) => tx.patient.update({ where: { id: patientId }, data: { updatedAt: new Date() } });

export async function addCondition(db: PrismaClient, patientId: string, input: ConditionCreate, after?: AfterWrite<Condition>): Promise<Condition> {
  return db.$transaction(async (tx) => {
    notBeforeBirth("onsetDate", input.onsetDate, await birthDateOf(tx, patientId));
    const row = await tx.condition.create({
      data: { ...input, patientId, onsetDate: input.onsetDate ? fromIsoDate(input.onsetDate) : null },
    });
    await touch(tx, patientId);
    const out = toCondition(row);
    await after?.(tx, out);
    return out;
  });
}

export async function updateCondition(db: PrismaClient, patientId: string, id: string, patch: ConditionUpdate, after?: AfterWrite<Condition>): Promise<Condition> {
  return db.$transaction(async (tx) => {
    const current = await tx.condition.findFirst({ where: { id, patientId } });
    if (!current) throw new NotFoundError("Condition", id);
    codeStillValid(patch, current);
    notBeforeBirth("onsetDate", patch.onsetDate, await birthDateOf(tx, patientId));
    const change = { fields: changedFields(patch, toCondition(current)) };
    const row = await tx.condition.update({
      where: { id },
      data: {
        ...patch,
        onsetDate: patch.onsetDate === undefined ? undefined : patch.onsetDate ? fromIsoDate(patch.onsetDate) : null,
      },
    });
    await touch(tx, patientId);
    const out = toCondition(row);
    await after?.(tx, out, change);
    return out;
  });
}

export async function addFamilyHistory(db: PrismaClient, patientId: string, input: FamilyHistoryCreate, after?: AfterWrite<FamilyHistory>): Promise<FamilyHistory> {
  return db.$transaction(async (tx) => {
    await birthDateOf(tx, patientId);
    const row = await tx.familyHistory.create({ data: { ...input, patientId } });
    await touch(tx, patientId);
    const out = toFamilyHistory(row);
    await after?.(tx, out);
    return out;
  });
}

/** Changes fields of one family-history entry of this patient (404 when the entry is not this patient's). */
export async function updateFamilyHistory(db: PrismaClient, patientId: string, id: string, patch: FamilyHistoryUpdate, after?: AfterWrite<FamilyHistory>): Promise<FamilyHistory> {
  return db.$transaction(async (tx) => {
    const current = await tx.familyHistory.findFirst({ where: { id, patientId } });
    if (!current) throw new NotFoundError("Family history entry", id);
    codeStillValid(patch, current);
    const change = { fields: changedFields(patch, toFamilyHistory(current)) };
    const row = await tx.familyHistory.update({ where: { id }, data: patch });
    await touch(tx, patientId);
    const out = toFamilyHistory(row);
    await after?.(tx, out, change);
    return out;
  });
}

export async function addDietRecord(db: PrismaClient, patientId: string, input: DietRecordCreate, after?: AfterWrite<DietRecord>): Promise<DietRecord> {
  return db.$transaction(async (tx) => {
    notBeforeBirth("recordedOn", input.recordedOn, await birthDateOf(tx, patientId));
    const row = await tx.dietRecord.create({ data: { ...input, patientId, recordedOn: fromIsoDate(input.recordedOn) } });
    await touch(tx, patientId);
    const out = toDietRecord(row);
    await after?.(tx, out);
    return out;
  });
}

/** Changes fields of one diet record of this patient (404 when the record is not this patient's). */
export async function updateDietRecord(db: PrismaClient, patientId: string, id: string, patch: DietRecordUpdate, after?: AfterWrite<DietRecord>): Promise<DietRecord> {
  return db.$transaction(async (tx) => {
    const current = await tx.dietRecord.findFirst({ where: { id, patientId } });
    if (!current) throw new NotFoundError("Diet record", id);
    notBeforeBirth("recordedOn", patch.recordedOn, await birthDateOf(tx, patientId));
    const change = { fields: changedFields(patch, toDietRecord(current)) };
    const row = await tx.dietRecord.update({
      where: { id },
      data: { ...patch, recordedOn: patch.recordedOn === undefined ? undefined : fromIsoDate(patch.recordedOn) },
    });
    await touch(tx, patientId);
    const out = toDietRecord(row);
    await after?.(tx, out, change);
    return out;
  });
}

/** Removes one entry of a patient's record; `kind` picks the table. */
export async function deleteEntry(db: PrismaClient, kind: "condition" | "familyHistory" | "dietRecord", patientId: string, id: string, after?: AfterWrite<{ id: string }>): Promise<void> {
  await db.$transaction(async (tx) => {
    const delegate = { condition: tx.condition, familyHistory: tx.familyHistory, dietRecord: tx.dietRecord }[kind] as unknown as {
      deleteMany(args: { where: { id: string; patientId: string } }): Promise<{ count: number }>;
    };
    const r = await delegate.deleteMany({ where: { id, patientId } });
    if (r.count === 0) throw new NotFoundError(kind === "condition" ? "Condition" : kind === "familyHistory" ? "Family history entry" : "Diet record", id);
    await touch(tx, patientId);
    await after?.(tx, { id });
  });
}
