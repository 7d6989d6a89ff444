import type { Prisma } from "@/lib/generated/prisma/client";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import type { AssessmentQueue } from "./queue";
import { queueAssessment } from "./queue-assessment";

/** What changed in a patient's record, and on whose behalf (null: a command-line import). */
export type RecordChange = { source: "fhir-import"; what: string[]; requestedById: string | null };
/** Where a re-assessment goes: the queue and the served model (jobRuntime(), or the CLI's own). */
export type RecordChangeJobs = { queue: AssessmentQueue; model: { name: string; version: string; strategy: FusionStrategy } };

/**
 * THE hook for "a patient's record changed" (today: FHIR import). Called inside the transaction
 * that changed the record, after the change. Today it queues one fresh assessment of the patient
 * — with the latest scan when there is one, else record-only — so the scores shown follow the
 * record. Issue 12 (record versions, stale scores) extends this one function: bump the record
 * version and flag the assessments made on the old version stale, then re-assess.
 */
export async function recordChanged(tx: Prisma.TransactionClient, patientId: string, what: RecordChange, jobs: RecordChangeJobs) {
  void what; // recorded by the caller's audit row; issue 12 will keep it with the record version
  const scan = await tx.scan.findFirst({ where: { patientId }, orderBy: { createdAt: "desc" }, select: { id: true } });
  return queueAssessment(tx, jobs.queue, { patientId, scanId: scan?.id ?? null, model: jobs.model, requestedById: what.requestedById });
}
