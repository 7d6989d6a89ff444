import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { fromIsoDate, headHorizon } from "@/lib/domain";
import { addYears } from "./labels";

/**
 * The demo cohort's observed outcomes, from the synthetic generator's ground truth (README.md
 * "The demo cohort"): the generator says whether each head's event happens within its horizon
 * after the record's date; the seed places a positive event at a deterministic day inside the
 * horizon after DEMO_INDEX_DATE and records follow-up until `followUpUntil`, so a training
 * snapshot with index date DEMO_INDEX_DATE labels every seeded patient. All dates are in the past.
 */
export const DEMO_INDEX_DATE = "2021-11-01";

export type SeedOutcomePatient = { mrn: string; labels: Record<string, 0 | 1>; followUpUntil: string };

/** Deterministic fraction in (0, 1] from the MRN and head. */
function fraction(mrn: string, head: string): number {
  const h = createHash("sha256").update(`demo-outcome:${mrn}:${head}`).digest();
  return (h.readUInt32BE(0) + 1) / 2 ** 32;
}

export function demoOutcomeEvents(p: SeedOutcomePatient, indexDate = DEMO_INDEX_DATE): { outcome: string; occurredOn: string }[] {
  const out: { outcome: string; occurredOn: string }[] = [];
  for (const [head, y] of Object.entries(p.labels)) {
    const h = headHorizon(head);
    if (!h || y !== 1) continue;
    const start = Date.parse(`${indexDate}T00:00:00Z`);
    const end = Date.parse(`${addYears(indexDate, h.horizonYears)}T00:00:00Z`);
    const day = Math.max(1, Math.ceil(((end - start) / 864e5) * fraction(p.mrn, head)));
    out.push({ outcome: h.outcome, occurredOn: new Date(start + day * 864e5).toISOString().slice(0, 10) });
  }
  return out;
}

/**
 * Records the demo outcomes and follow-up for patients (by MRN) that have no demo-seed outcome and
 * no follow-up date yet: idempotent, one transaction per batch.
 */
export async function seedDemoOutcomes(db: PrismaClient, patients: SeedOutcomePatient[], batchSize = 500): Promise<{ patients: number; outcomes: number }> {
  let nPatients = 0;
  let nOutcomes = 0;
  for (let i = 0; i < patients.length; i += batchSize) {
    const batch = patients.slice(i, i + batchSize);
    const rows = await db.patient.findMany({
      where: { mrn: { in: batch.map((p) => p.mrn) }, followUpUntil: null, outcomes: { none: { source: "demo_seed" } } },
      select: { id: true, mrn: true },
    });
    const idOf = new Map(rows.map((r) => [r.mrn, r.id]));
    const todo = batch.filter((p) => idOf.has(p.mrn));
    if (!todo.length) continue;
    const events = todo.flatMap((p) => demoOutcomeEvents(p).map((e) => ({ patientId: idOf.get(p.mrn)!, outcome: e.outcome, occurredOn: fromIsoDate(e.occurredOn), source: "demo_seed" as const })));
    await db.$transaction([
      db.outcome.createMany({ data: events }),
      ...todo.map((p) => db.patient.update({ where: { id: idOf.get(p.mrn)! }, data: { followUpUntil: fromIsoDate(p.followUpUntil) } })),
    ]);
    nPatients += todo.length;
    nOutcomes += events.length;
  }
  return { patients: nPatients, outcomes: nOutcomes };
}
