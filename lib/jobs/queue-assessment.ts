import type { Prisma } from "@/lib/generated/prisma/client";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import type { AssessmentQueue } from "./queue";

/**
 * A queued Assessment row and its job, inside the caller's transaction: the two always exist
 * together or not at all (upload and re-assessment both come through here).
 */
export async function queueAssessment(
  tx: Prisma.TransactionClient,
  queue: AssessmentQueue,
  a: { patientId: string; scanId: string | null; model: { name: string; version: string; strategy: FusionStrategy }; requestedById: string | null },
) {
  const row = await tx.assessment.create({
    data: {
      patientId: a.patientId,
      scanId: a.scanId,
      modelName: a.model.name,
      modelVersion: a.model.version,
      strategy: a.model.strategy,
      status: "queued",
      requestedById: a.requestedById,
    },
    select: { id: true, status: true, scanId: true, modelName: true, modelVersion: true, strategy: true, createdAt: true },
  });
  await queue.enqueueInTx(tx, { assessmentId: row.id });
  return row;
}
