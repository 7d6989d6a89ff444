import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import { activeModel, type ActiveModel } from "@/lib/db/model-registry";
import type { AssessmentQueue } from "./queue";
import type { RequestedAssessment } from "@/lib/domain/responses";

/**
 * The model new assessments are queued for: the active version in the ModelVersion registry,
 * which every worker writes when it loads its model. The web tier reads it here and loads nothing.
 * 503 `model_unavailable` only while no worker has ever registered a model in this database.
 */
export async function requireActiveModel(db: Pick<PrismaClient, "modelVersion">): Promise<ActiveModel> {
  const m = await activeModel(db);
  if (!m)
    throw new AppError(
      503,
      "model_unavailable",
      "No risk model is registered yet: an assessment worker registers the model it serves when it starts (the server's own worker, or `npm run worker`). Try again once a worker is running.",
    );
  return m;
}

/**
 * A queued Assessment row and its job, inside the caller's transaction: the two always exist
 * together or not at all. The only place Assessment rows are created (upload, re-assessment and
 * the demo seed all come through here). The worker that runs the job stamps the model it used.
 */
export async function queueAssessment(
  tx: Prisma.TransactionClient,
  queue: AssessmentQueue,
  a: {
    patientId: string;
    scanId: string | null;
    requestedById: string | null;
    model?: ActiveModel;
    /** a debounced re-assessment after a record change: the worker runs it no earlier than this */
    notBefore?: Date;
  },
): Promise<RequestedAssessment> {
  const model = a.model ?? (await requireActiveModel(tx));
  const row = await tx.assessment.create({
    data: {
      patientId: a.patientId,
      scanId: a.scanId,
      modelName: model.name,
      modelVersion: model.version,
      strategy: model.strategy,
      status: "queued",
      requestedById: a.requestedById,
      notBefore: a.notBefore ?? null,
    },
    select: { id: true, status: true, scanId: true, modelName: true, modelVersion: true, strategy: true, createdAt: true },
  });
  await queue.enqueueInTx(tx, { assessmentId: row.id }, a.notBefore ? { startAfter: a.notBefore } : {});
  return { ...row, createdAt: row.createdAt.toISOString() };
}
