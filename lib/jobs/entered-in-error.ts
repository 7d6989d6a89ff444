import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ConflictError, NotFoundError } from "@/lib/domain/errors";
import type { AssessmentEnteredInErrorResult, RequestedAssessment, ScanEnteredInErrorResult } from "@/lib/domain/responses";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { activeModel } from "@/lib/db/model-registry";
import { scanInForce } from "@/lib/db/in-force";
import type { AssessmentQueue } from "./queue";
import { queueAssessment } from "./queue-assessment";
import { assessmentQueued } from "./runtime";

/*
 * "Entered in error" (issue 12): a clinician takes a scan — or one assessment — out of the
 * patient's record, saying why. Nothing is deleted: the row keeps its data, with who, when and
 * why; the working views, new assessments and research exports leave it out (lib/db/in-force.ts);
 * the audit trail and the admin view (/admin/entered-in-error) keep it.
 */

/**
 * A scan entered in error: flagged; every assessment that used it is marked superseded (also one
 * still queued, which then never runs); and the patient is re-assessed at once on the latest scan
 * still in force, else on the record alone — all in one transaction with the audit row.
 */
export async function markScanEnteredInError(
  db: PrismaClient,
  queue: AssessmentQueue,
  args: { scanId: string; reason: string; actor: Actor; request: RequestInfo },
): Promise<ScanEnteredInErrorResult & { patientId: string }> {
  const out = await db.$transaction(async (tx) => {
    const scan = await tx.scan.findUnique({ where: { id: args.scanId }, select: { id: true, patientId: true, enteredInErrorAt: true, identityFlag: true, sha256: true, modality: true } });
    if (!scan) throw new NotFoundError("Scan", args.scanId);
    const now = new Date();
    // the WHERE makes a second click (or a race) a clear 409, never a second set of changes
    const marked = await tx.scan.updateMany({
      where: { id: scan.id, enteredInErrorAt: null },
      data: { enteredInErrorAt: now, enteredInErrorReason: args.reason, enteredInErrorById: args.actor.userId },
    });
    if (marked.count === 0) throw new ConflictError("already_entered_in_error", "This scan was already entered in error.");
    const superseded = await tx.assessment.findMany({ where: { scanId: scan.id, supersededAt: null, enteredInErrorAt: null }, select: { id: true } });
    await tx.assessment.updateMany({
      where: { id: { in: superseded.map((a) => a.id) } },
      data: { supersededAt: now, supersededReason: "scan_entered_in_error" },
    });
    let reassessment: RequestedAssessment | null = null;
    const model = await activeModel(tx);
    if (model) {
      const next = await tx.scan.findFirst({ where: { patientId: scan.patientId, ...scanInForce }, orderBy: { createdAt: "desc" }, select: { id: true } });
      reassessment = await queueAssessment(tx, queue, { patientId: scan.patientId, scanId: next?.id ?? null, requestedById: args.actor.userId, model });
    }
    await audit(tx, {
      actor: args.actor,
      action: "scan.entered_in_error",
      entityType: "Scan",
      entityId: scan.id,
      patientId: scan.patientId,
      outcome: "success",
      request: args.request,
      details: {
        reason: args.reason,
        sha256: scan.sha256,
        modality: scan.modality,
        identityFlag: scan.identityFlag,
        supersededAssessmentIds: superseded.map((a) => a.id),
        reassessmentId: reassessment?.id ?? null,
        ...(model ? {} : { reassessmentSkipped: "model_unavailable" }),
      },
    });
    return {
      patientId: scan.patientId,
      scan: { id: scan.id, enteredInErrorAt: now.toISOString(), enteredInErrorReason: args.reason },
      supersededAssessmentIds: superseded.map((a) => a.id),
      reassessment,
    };
  });
  if (out.reassessment) assessmentQueued();
  return out;
}

/** One assessment entered in error (its scores are wrong for another reason than its scan): out of the working views and exports. */
export async function markAssessmentEnteredInError(
  db: PrismaClient,
  args: { assessmentId: string; reason: string; actor: Actor; request: RequestInfo },
): Promise<AssessmentEnteredInErrorResult & { patientId: string }> {
  return db.$transaction(async (tx) => {
    const a = await tx.assessment.findUnique({ where: { id: args.assessmentId }, select: { id: true, patientId: true, scanId: true, status: true, modelName: true, modelVersion: true } });
    if (!a) throw new NotFoundError("Assessment", args.assessmentId);
    const now = new Date();
    const marked = await tx.assessment.updateMany({
      where: { id: a.id, enteredInErrorAt: null },
      data: { enteredInErrorAt: now, enteredInErrorReason: args.reason, enteredInErrorById: args.actor.userId },
    });
    if (marked.count === 0) throw new ConflictError("already_entered_in_error", "This assessment was already entered in error.");
    await audit(tx, {
      actor: args.actor,
      action: "assessment.entered_in_error",
      entityType: "Assessment",
      entityId: a.id,
      patientId: a.patientId,
      outcome: "success",
      request: args.request,
      details: { reason: args.reason, scanId: a.scanId, status: a.status, model: `${a.modelName}@${a.modelVersion}` },
    });
    return { patientId: a.patientId, assessment: { id: a.id, enteredInErrorAt: now.toISOString(), enteredInErrorReason: args.reason } };
  });
}

/** What the admin view lists: every scan and assessment entered in error or superseded, newest first. */
export async function listEnteredInError(db: PrismaClient, opts: { take?: number } = {}) {
  const take = Math.min(Math.max(opts.take ?? 200, 1), 1000);
  const [scans, assessments] = await Promise.all([
    db.scan.findMany({
      where: { enteredInErrorAt: { not: null } },
      orderBy: { enteredInErrorAt: "desc" },
      take,
      select: {
        id: true, patientId: true, modality: true, createdAt: true, identityFlag: true, identityReason: true, enteredInErrorAt: true, enteredInErrorReason: true, enteredInErrorById: true,
        patient: { select: { mrn: true } },
      },
    }),
    db.assessment.findMany({
      where: { OR: [{ enteredInErrorAt: { not: null } }, { supersededAt: { not: null } }] },
      orderBy: { createdAt: "desc" },
      take,
      select: {
        id: true, patientId: true, scanId: true, status: true, modelName: true, modelVersion: true, createdAt: true,
        enteredInErrorAt: true, enteredInErrorReason: true, enteredInErrorById: true, supersededAt: true, supersededReason: true,
        patient: { select: { mrn: true } },
      },
    }),
  ]);
  const userIds = [...new Set([...scans, ...assessments].map((r) => r.enteredInErrorById).filter((x): x is string => !!x))];
  const users = new Map((await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, username: true } })).map((u) => [u.id, u.username]));
  return {
    scans: scans.map((s) => ({ ...s, by: s.enteredInErrorById ? users.get(s.enteredInErrorById) ?? s.enteredInErrorById : null })),
    assessments: assessments.map((a) => ({ ...a, by: a.enteredInErrorById ? users.get(a.enteredInErrorById) ?? a.enteredInErrorById : null })),
  };
}
