/**
 * Training jobs: start (TrainingJob row + queue job + audit in one transaction), cancel, read.
 * The run itself is runner.ts, on whichever worker takes the job.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { ConflictError, NotFoundError, TrainingProgress, type TrainingJobView, type TrainingStart } from "@/lib/domain";

type Who = { actor: Actor | null; username?: string; request: RequestInfo };

type JobRow = {
  id: string; snapshotId: string; strategy: string; seed: number; config: unknown; status: TrainingJobView["status"]; progress: unknown; error: string | null;
  cancelRequested: boolean; modelVersionId: string | null; createdAt: Date; startedAt: Date | null; completedAt: Date | null; snapshot: { sha256: string };
};

/** What a job's config column holds. */
export type TrainingConfig = { epochs: number; tiny: boolean };

export function toJobView(r: JobRow): TrainingJobView {
  const cfg = r.config as TrainingConfig;
  const p = TrainingProgress.safeParse(r.progress);
  return {
    id: r.id, snapshotId: r.snapshotId, snapshotSha256: r.snapshot.sha256, strategy: r.strategy, seed: r.seed, epochs: cfg.epochs, tiny: cfg.tiny, status: r.status,
    progress: p.success ? p.data : null, error: r.error, cancelRequested: r.cancelRequested, modelVersionId: r.modelVersionId,
    createdAt: r.createdAt.toISOString(), startedAt: r.startedAt?.toISOString() ?? null, completedAt: r.completedAt?.toISOString() ?? null,
  };
}

const withSnapshot = { snapshot: { select: { sha256: true } } } as const;

export async function startTraining(db: PrismaClient, queue: AssessmentQueue, input: TrainingStart, who: Who): Promise<TrainingJobView> {
  return db.$transaction(async (tx) => {
    const snap = await tx.trainingSnapshot.findUnique({ where: { id: input.snapshotId }, select: { id: true, sha256: true } });
    if (!snap) throw new NotFoundError("Training snapshot", input.snapshotId);
    const config: TrainingConfig = { epochs: input.epochs, tiny: input.tiny };
    const job = await tx.trainingJob.create({ data: { snapshotId: snap.id, strategy: input.strategy, seed: input.seed, config, requestedById: who.actor?.userId ?? null }, include: withSnapshot });
    await queue.enqueueTrainingInTx(tx, { trainingJobId: job.id });
    await audit(tx, { ...who, action: "training.start", entityType: "TrainingJob", entityId: job.id, outcome: "success", details: { snapshot: snap.sha256, strategy: input.strategy, seed: input.seed, ...config } });
    return toJobView(job);
  });
}

/**
 * Cancels a job: a queued one at once; a running one is asked to stop (the runner checks between
 * batches and ends it as cancelled, its partial files deleted). 409 when it has already ended.
 */
export async function cancelTraining(db: PrismaClient, id: string, who: Who): Promise<TrainingJobView> {
  return db.$transaction(async (tx) => {
    const j = await tx.trainingJob.findUnique({ where: { id } });
    if (!j) throw new NotFoundError("Training job", id);
    if (j.status !== "queued" && j.status !== "running") throw new ConflictError("training_ended", `This training has already ended (${j.status}).`);
    const row =
      j.status === "queued"
        ? await tx.trainingJob.update({ where: { id }, data: { status: "cancelled", cancelRequested: true, completedAt: new Date() }, include: withSnapshot })
        : await tx.trainingJob.update({ where: { id }, data: { cancelRequested: true }, include: withSnapshot });
    await audit(tx, { ...who, action: "training.cancel", entityType: "TrainingJob", entityId: id, outcome: "success", details: { was: j.status } });
    return toJobView(row);
  });
}

export async function getTrainingJob(db: PrismaClient, id: string): Promise<TrainingJobView> {
  const j = await db.trainingJob.findUnique({ where: { id }, include: withSnapshot });
  if (!j) throw new NotFoundError("Training job", id);
  return toJobView(j);
}

export async function listTrainingJobs(db: PrismaClient): Promise<TrainingJobView[]> {
  return (await db.trainingJob.findMany({ orderBy: { createdAt: "desc" }, take: 50, include: withSnapshot })).map(toJobView);
}
