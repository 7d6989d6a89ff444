import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { RecordPart, recordPartValues } from "@/lib/domain/scan";
import type { RecordChangedSince } from "@/lib/domain/assessment";

type Db = PrismaClient | Prisma.TransactionClient;

/** A patient's record version and its changes after `since` (oldest first). */
export type RecordHistory = { version: number; changes: { version: number; parts: RecordPart[]; occurredAt: Date }[] };

const asParts = (xs: string[]): RecordPart[] => xs.filter((x): x is RecordPart => (recordPartValues as readonly string[]).includes(x));

/** The record version now and every change after version `since` (one read for a whole list of scores). */
export async function recordHistory(db: Db, patientId: string, since: number): Promise<RecordHistory> {
  const [p, rows] = await Promise.all([
    db.patient.findUnique({ where: { id: patientId }, select: { recordVersion: true } }),
    db.recordChange.findMany({ where: { patientId, version: { gt: since } }, orderBy: { version: "asc" }, select: { version: true, parts: true, occurredAt: true } }),
  ]);
  return { version: p?.recordVersion ?? since, changes: rows.map((r) => ({ version: r.version, parts: asParts(r.parts), occurredAt: r.occurredAt })) };
}

/**
 * "The record changed since this score": null when the score read the current record (or is not
 * finished, or predates record versions). Parts are listed once each, in the record's order.
 */
export function changedSince(h: RecordHistory, scoreVersion: number | null): RecordChangedSince | null {
  if (scoreVersion === null || scoreVersion >= h.version) return null;
  const after = h.changes.filter((c) => c.version > scoreVersion);
  const parts = new Set(after.flatMap((c) => c.parts));
  const last = after.at(-1)?.occurredAt ?? new Date();
  return {
    scoreVersion,
    recordVersion: h.version,
    parts: recordPartValues.filter((p) => parts.has(p)),
    changes: Math.max(after.length, h.version - scoreVersion),
    lastChangedAt: last.toISOString(),
  };
}
