import type { Prisma } from "@/lib/generated/prisma/client";
import type { ActiveModel } from "@/lib/db/model-registry";
import type { RequestedAssessment } from "@/lib/domain/responses";
import type { AssessmentQueue } from "./queue";
import { queueAssessment } from "./queue-assessment";

/** What changed in a patient's record, and on whose behalf (null: a command-line import). */
export type RecordChange = { source: "fhir-import"; what: string[]; requestedById: string | null };

/**
 * THE hook for "a patient's record changed" (today: FHIR import). Called inside the transaction
 * that changed the record, after the change. Today it queues one fresh assessment of the patient
 * — with the latest scan when there is one, else record-only — on the registry's active model
 * (`model`, when the caller already read it for a batch; else read here: 503 `model_unavailable`
 * while no worker has registered one — callers that must not fail check `activeModel` first), so
 * the scores shown follow the record. Issue 12 (record versions, stale scores) extends this one
 * function: bump the record version and flag the assessments made on the old version stale, then
 * re-assess.
 */
export async function recordChanged(tx: Prisma.TransactionClient, patientId: string, what: RecordChange, queue: AssessmentQueue, model?: ActiveModel): Promise<RequestedAssessment> {
  const scan = await tx.scan.findFirst({ where: { patientId }, orderBy: { createdAt: "desc" }, select: { id: true } });
  return queueAssessment(tx, queue, { patientId, scanId: scan?.id ?? null, requestedById: what.requestedById, ...(model ? { model } : {}) });
}
