import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ConflictError, NotFoundError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { RequestedAssessment } from "@/lib/domain/responses";
import type { AssessmentQueue } from "./queue";
import { queueAssessment } from "./queue-assessment";
import { assessmentQueued } from "./runtime";

/**
 * A fresh assessment on demand (the record was edited, or a new model version is active): a new
 * Assessment row, its job and the audit row, in one transaction. Without a scan it runs the
 * tabular path (record only). Needs only the database: the model is the registry's active version.
 * A scan entered in error is refused (409 scan_entered_in_error). When an automatic re-assessment
 * of the same scan is still waiting for its debounce (lib/jobs/record-changed.ts), that one is
 * brought forward instead of queueing a second.
 */
export async function requestAssessment(
  db: PrismaClient,
  queue: AssessmentQueue,
  args: { patientId: string; scanId: string | null; actor: Actor; request: RequestInfo },
): Promise<RequestedAssessment> {
  const a = await db.$transaction(async (tx) => {
    const patient = await tx.patient.findUnique({ where: { id: args.patientId }, select: { id: true } });
    if (!patient) throw new NotFoundError("Patient", args.patientId);
    if (args.scanId) {
      const scan = await tx.scan.findFirst({ where: { id: args.scanId, patientId: args.patientId }, select: { id: true, enteredInErrorAt: true } });
      if (!scan) throw new NotFoundError("Scan", args.scanId);
      if (scan.enteredInErrorAt) throw new ConflictError("scan_entered_in_error", "This scan was entered in error; it is no longer assessed. Choose another scan, or assess the record alone.");
    }
    const waiting = await tx.assessment.findFirst({
      where: { patientId: args.patientId, scanId: args.scanId, status: "queued", notBefore: { not: null }, supersededAt: null, enteredInErrorAt: null },
      orderBy: { createdAt: "desc" },
      select: { id: true, status: true, scanId: true, modelName: true, modelVersion: true, strategy: true, createdAt: true },
    });
    let row: RequestedAssessment;
    if (waiting) {
      await tx.assessment.update({ where: { id: waiting.id }, data: { notBefore: null } });
      await queue.enqueueInTx(tx, { assessmentId: waiting.id }, { again: true });
      row = { ...waiting, createdAt: waiting.createdAt.toISOString() };
    } else row = await queueAssessment(tx, queue, { patientId: args.patientId, scanId: args.scanId, requestedById: args.actor.userId });
    await audit(tx, {
      actor: args.actor,
      action: "assessment.request",
      entityType: "Assessment",
      entityId: row.id,
      patientId: args.patientId,
      outcome: "success",
      request: args.request,
      details: { scanId: args.scanId, recordOnly: args.scanId === null, ...(waiting ? { broughtForward: true } : {}) },
    });
    return row;
  });
  assessmentQueued();
  return a;
}
