import type { PrismaClient } from "@/lib/generated/prisma/client";
import { NotFoundError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "./queue";
import { queueAssessment } from "./queue-assessment";
import { assessmentQueued } from "./runtime";

/**
 * A fresh assessment on demand (the record was edited, or a new model version is active): a new
 * Assessment row, its job and the audit row, in one transaction. Without a scan it runs the
 * tabular path. Needs only the database: the model is the registry's active version.
 */
export async function requestAssessment(
  db: PrismaClient,
  queue: AssessmentQueue,
  args: { patientId: string; scanId: string | null; actor: Actor; request: RequestInfo },
) {
  const a = await db.$transaction(async (tx) => {
    const patient = await tx.patient.findUnique({ where: { id: args.patientId }, select: { id: true } });
    if (!patient) throw new NotFoundError("Patient", args.patientId);
    if (args.scanId) {
      const scan = await tx.scan.findFirst({ where: { id: args.scanId, patientId: args.patientId }, select: { id: true } });
      if (!scan) throw new NotFoundError("Scan", args.scanId);
    }
    const row = await queueAssessment(tx, queue, { patientId: args.patientId, scanId: args.scanId, requestedById: args.actor.userId });
    await audit(tx, {
      actor: args.actor,
      action: "assessment.request",
      entityType: "Assessment",
      entityId: row.id,
      patientId: args.patientId,
      outcome: "success",
      request: args.request,
      details: { scanId: args.scanId },
    });
    return row;
  });
  assessmentQueued();
  return a;
}
