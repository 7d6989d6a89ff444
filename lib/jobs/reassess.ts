import type { PrismaClient } from "@/lib/generated/prisma/client";
import { NotFoundError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "./queue";
import type { Assessor } from "./assessor";
import { queueAssessment } from "./queue-assessment";

/**
 * A fresh assessment on demand (the record was edited, or a new model version is active): a new
 * Assessment row and its job, in one transaction. Without a scan it runs the tabular path.
 */
export async function requestAssessment(
  db: PrismaClient,
  queue: AssessmentQueue,
  assessor: Assessor,
  args: { patientId: string; scanId: string | null; actor: Actor; request: RequestInfo },
) {
  return db.$transaction(async (tx) => {
    const patient = await tx.patient.findUnique({ where: { id: args.patientId }, select: { id: true } });
    if (!patient) throw new NotFoundError("Patient", args.patientId);
    if (args.scanId) {
      const scan = await tx.scan.findFirst({ where: { id: args.scanId, patientId: args.patientId }, select: { id: true } });
      if (!scan) throw new NotFoundError("Scan", args.scanId);
    }
    const a = await queueAssessment(tx, queue, { patientId: args.patientId, scanId: args.scanId, model: assessor.model, requestedById: args.actor.userId });
    await audit(tx, {
      actor: args.actor,
      action: "assessment.request",
      entityType: "Assessment",
      entityId: a.id,
      patientId: args.patientId,
      outcome: "success",
      request: args.request,
      details: { scanId: args.scanId },
    });
    return a;
  });
}
