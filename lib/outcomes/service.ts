import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";
import {
  ConflictError, NotFoundError, ValidationError, fromIsoDate, toIsoDate, todayIso,
  type FollowUpUpdate, type Outcome, type OutcomeCreate, type OutcomeSource, type PatientOutcomes,
} from "@/lib/domain";
import type { AfterWrite } from "@/lib/db/history";
import { laterDate } from "./labels";

/**
 * Observed outcomes of one patient: record, list, mark entered in error (never delete), and the
 * follow-up the labels use (README.md). Each use case owns its transaction; the caller's
 * after-write hook (the audit row) runs inside it.
 */
type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;

export const toOutcome = (r: { id: string; patientId: string; outcome: string; occurredOn: Date; source: OutcomeSource; status: "recorded" | "entered_in_error"; enteredInErrorReason: string | null; enteredInErrorAt: Date | null; createdAt: Date }): Outcome => ({
  id: r.id,
  patientId: r.patientId,
  outcome: r.outcome,
  occurredOn: toIsoDate(r.occurredOn),
  source: r.source,
  status: r.status,
  enteredInErrorReason: r.enteredInErrorReason,
  enteredInErrorAt: r.enteredInErrorAt?.toISOString() ?? null,
  createdAt: r.createdAt.toISOString(),
});

async function patientDates(db: Db, patientId: string) {
  const p = await db.patient.findUnique({ where: { id: patientId }, select: { birthDate: true, followUpUntil: true } });
  if (!p) throw new NotFoundError("Patient", patientId);
  return { birthDate: toIsoDate(p.birthDate), followUpUntil: toIsoDate(p.followUpUntil) };
}

/**
 * The newest dated activity on each patient's record, as YYYY-MM-DD (UTC): assessments, scans
 * (acquisition or upload), diet records, condition onsets, recorded outcomes. Never after today.
 */
export async function lastActivity(db: Db, patientIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!patientIds.length) return out;
  const where = { patientId: { in: patientIds } };
  const [a, s, sAcq, d, c, o] = await Promise.all([
    db.assessment.groupBy({ by: ["patientId"], where, _max: { createdAt: true } }),
    db.scan.groupBy({ by: ["patientId"], where, _max: { createdAt: true } }),
    db.scan.groupBy({ by: ["patientId"], where, _max: { acquisitionDate: true } }),
    db.dietRecord.groupBy({ by: ["patientId"], where, _max: { recordedOn: true } }),
    db.condition.groupBy({ by: ["patientId"], where, _max: { onsetDate: true } }),
    db.outcome.groupBy({ by: ["patientId"], where: { ...where, status: "recorded" }, _max: { occurredOn: true } }),
  ]);
  const today = todayIso();
  const see = (id: string, d: Date | null | undefined) => {
    if (!d) return;
    const iso = toIsoDate(d) > today ? today : toIsoDate(d);
    out.set(id, laterDate(out.get(id) ?? null, iso)!);
  };
  for (const r of a) see(r.patientId, r._max.createdAt);
  for (const r of s) see(r.patientId, r._max.createdAt);
  for (const r of sAcq) see(r.patientId, r._max.acquisitionDate);
  for (const r of d) see(r.patientId, r._max.recordedOn);
  for (const r of c) see(r.patientId, r._max.onsetDate);
  for (const r of o) see(r.patientId, r._max.occurredOn);
  return out;
}

/** Every outcome entry of the patient (newest first, entered-in-error ones too) and the follow-up. */
export async function listOutcomes(db: PrismaClient, patientId: string): Promise<PatientOutcomes> {
  const { followUpUntil } = await patientDates(db, patientId);
  const [rows, last] = await Promise.all([
    db.outcome.findMany({ where: { patientId }, orderBy: [{ occurredOn: "desc" }, { createdAt: "desc" }] }),
    lastActivity(db, [patientId]),
  ]);
  const lastActivityDate = last.get(patientId) ?? null;
  return { outcomes: rows.map(toOutcome), followUp: { until: followUpUntil, lastActivity: lastActivityDate, end: laterDate(followUpUntil, lastActivityDate) } };
}

export type RecordedBy = { source: OutcomeSource; userId: string | null };

export async function recordOutcome(db: PrismaClient, patientId: string, input: OutcomeCreate, by: RecordedBy, after?: AfterWrite<Outcome>): Promise<Outcome> {
  return db.$transaction(async (tx) => {
    const { birthDate } = await patientDates(tx, patientId);
    if (input.occurredOn < birthDate) throw ValidationError.field("occurredOn", `(${input.occurredOn}) is before the patient's birth date (${birthDate})`);
    const row = await tx.outcome.create({ data: { patientId, outcome: input.outcome, occurredOn: fromIsoDate(input.occurredOn), source: by.source, recordedById: by.userId } });
    await tx.patient.update({ where: { id: patientId }, data: { updatedAt: new Date() } });
    const out = toOutcome(row);
    await after?.(tx, out);
    return out;
  });
}

/** Marks one entry of this patient entered in error (409 when it already is); it stays, out of the labels. */
export async function markOutcomeEnteredInError(db: PrismaClient, patientId: string, outcomeId: string, reason: string, byUserId: string | null, after?: AfterWrite<Outcome>): Promise<Outcome> {
  return db.$transaction(async (tx) => {
    const current = await tx.outcome.findFirst({ where: { id: outcomeId, patientId } });
    if (!current) throw new NotFoundError("Outcome", outcomeId);
    if (current.status === "entered_in_error") throw new ConflictError("already_entered_in_error", "This outcome is already marked entered in error.");
    // conditional on the status read above: two concurrent marks cannot both succeed
    const n = await tx.outcome.updateMany({
      where: { id: outcomeId, status: "recorded" },
      data: { status: "entered_in_error", enteredInErrorReason: reason, enteredInErrorById: byUserId, enteredInErrorAt: new Date() },
    });
    if (n.count !== 1) throw new ConflictError("already_entered_in_error", "This outcome is already marked entered in error.");
    await tx.patient.update({ where: { id: patientId }, data: { updatedAt: new Date() } });
    const out = toOutcome((await tx.outcome.findUnique({ where: { id: outcomeId } }))!);
    await after?.(tx, out, { fields: ["status", "enteredInErrorReason"] });
    return out;
  });
}

/** Sets (or clears) the clinic's recorded end of follow-up. */
export async function setFollowUp(db: PrismaClient, patientId: string, input: FollowUpUpdate, after?: AfterWrite<{ id: string; followUpUntil: string | null }>): Promise<{ id: string; followUpUntil: string | null }> {
  return db.$transaction(async (tx) => {
    const { birthDate } = await patientDates(tx, patientId);
    if (input.followUpUntil !== null && input.followUpUntil < birthDate) throw ValidationError.field("followUpUntil", `(${input.followUpUntil}) is before the patient's birth date (${birthDate})`);
    await tx.patient.update({ where: { id: patientId }, data: { followUpUntil: input.followUpUntil === null ? null : fromIsoDate(input.followUpUntil) } });
    const out = { id: patientId, followUpUntil: input.followUpUntil };
    await after?.(tx, out, { fields: ["followUpUntil"] });
    return out;
  });
}

/**
 * Outcome events (recorded only) and follow-up end of many patients, for label derivation
 * (training snapshots): one query per table, not per patient.
 */
export async function outcomeFacts(db: Db, patientIds: string[]): Promise<Map<string, { events: { outcome: string; occurredOn: string }[]; followUpEnd: string | null }>> {
  const [rows, patients, last] = await Promise.all([
    db.outcome.findMany({ where: { patientId: { in: patientIds }, status: "recorded" }, select: { patientId: true, outcome: true, occurredOn: true } }),
    db.patient.findMany({ where: { id: { in: patientIds } }, select: { id: true, followUpUntil: true } }),
    lastActivity(db, patientIds),
  ]);
  const out = new Map<string, { events: { outcome: string; occurredOn: string }[]; followUpEnd: string | null }>();
  for (const p of patients) out.set(p.id, { events: [], followUpEnd: laterDate(toIsoDate(p.followUpUntil), last.get(p.id) ?? null) });
  for (const r of rows) out.get(r.patientId)?.events.push({ outcome: r.outcome, occurredOn: toIsoDate(r.occurredOn) });
  return out;
}
