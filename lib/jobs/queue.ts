import PgBoss from "pg-boss";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { DbHandle } from "@/lib/db/client";
import { databaseConfig } from "@/lib/db/config";
import { pgliteExecutor, prismaTxExecutor } from "./executors";

export const ASSESSMENT_QUEUE = "assessment";
export const ASSESSMENT_DEAD_LETTER = "assessment-dead";

export type AssessmentJobData = { assessmentId: string };

/** Model training jobs (lib/training): the same pg-boss, its own queue; never retried by itself (a failed training is started again by a person). */
export const TRAINING_QUEUE = "training";
export type TrainingJobData = { trainingJobId: string };

export type QueueOptions = {
  /** attempts after the first one (default 3) */
  retryLimit?: number;
  /** seconds before the first retry; doubles each time with backoff (default 2) */
  retryDelay?: number;
  /** a job running longer than this is presumed dead (worker crashed) and retried (default 120) */
  expireInSeconds?: number;
};

/**
 * The assessment queue: pg-boss in the application database (schema `pgboss`), on PostgreSQL or
 * on the embedded PGlite database (through an executor). Enqueueing happens inside the caller's
 * transaction, so a Scan row, its Assessment row and its job commit together or not at all.
 */
export class AssessmentQueue {
  private constructor(
    readonly boss: PgBoss,
    readonly kind: DbHandle["kind"],
  ) {}

  static async open(handle: DbHandle, opts: QueueOptions = {}): Promise<AssessmentQueue> {
    const common = {
      schema: "pgboss",
      // maintenance (expiring dead jobs, archiving) every 30 s
      maintenanceIntervalSeconds: 30,
      monitorStateIntervalSeconds: 60,
      schedule: false,
    } as const;
    const boss =
      handle.kind === "embedded" && handle.pglite
        ? new PgBoss({ ...common, db: pgliteExecutor(handle.pglite) } as PgBoss.ConstructorOptions)
        : new PgBoss({ ...common, connectionString: urlFor(handle), max: 4 });
    boss.on("error", (e) => console.error("[queue]", e.message));
    await boss.start();
    const queue = {
      retryLimit: opts.retryLimit ?? 3,
      retryDelay: opts.retryDelay ?? 2,
      retryBackoff: true,
      expireInSeconds: opts.expireInSeconds ?? 120,
    };
    if (!(await boss.getQueue(ASSESSMENT_DEAD_LETTER))) await boss.createQueue(ASSESSMENT_DEAD_LETTER);
    if (!(await boss.getQueue(ASSESSMENT_QUEUE)))
      await boss.createQueue(ASSESSMENT_QUEUE, { name: ASSESSMENT_QUEUE, ...queue, deadLetter: ASSESSMENT_DEAD_LETTER });
    else await boss.updateQueue(ASSESSMENT_QUEUE, { name: ASSESSMENT_QUEUE, ...queue, deadLetter: ASSESSMENT_DEAD_LETTER });
    // training may take hours: a job is presumed dead only after 12 h, and is not retried
    const training = { name: TRAINING_QUEUE, retryLimit: 0, expireInSeconds: 12 * 3600 };
    if (!(await boss.getQueue(TRAINING_QUEUE))) await boss.createQueue(TRAINING_QUEUE, training);
    return new AssessmentQueue(boss, handle.kind);
  }

  /**
   * Enqueue inside a Prisma transaction. The first job of an assessment has the assessment's id
   * (one job per assessment); `again: true` sends another job for an assessment that already had
   * one (a debounced re-assessment brought forward). `startAfter`: not before this time.
   */
  async enqueueInTx(tx: Prisma.TransactionClient, data: AssessmentJobData, opts: { startAfter?: Date; again?: boolean } = {}): Promise<void> {
    await this.boss.send(ASSESSMENT_QUEUE, data, {
      ...(opts.again ? {} : { id: data.assessmentId }),
      ...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
      db: prismaTxExecutor(tx),
    });
    if (this.kind === "postgres" && !opts.startAfter) await tx.$executeRawUnsafe(`SELECT pg_notify('fcds_assessment', $1)`, data.assessmentId);
  }

  /** Another job for an assessment whose debounce was pushed back while its job waited (worker side). */
  async sendLater(data: AssessmentJobData, startAfter: Date): Promise<void> {
    await this.boss.send(ASSESSMENT_QUEUE, data, { startAfter });
  }

  /** Enqueue a training job inside a Prisma transaction (job id = TrainingJob id). */
  async enqueueTrainingInTx(tx: Prisma.TransactionClient, data: TrainingJobData): Promise<void> {
    await this.boss.send(TRAINING_QUEUE, data, { id: data.trainingJobId, db: prismaTxExecutor(tx) });
  }

  async fetchTraining() {
    return this.boss.fetch<TrainingJobData>(TRAINING_QUEUE, { batchSize: 1 });
  }

  async completeTraining(id: string) {
    await this.boss.complete(TRAINING_QUEUE, id);
  }

  async fetch(batchSize = 1) {
    return this.boss.fetch<AssessmentJobData>(ASSESSMENT_QUEUE, { batchSize, includeMetadata: true });
  }

  async complete(id: string, output?: object) {
    await this.boss.complete(ASSESSMENT_QUEUE, id, output);
  }

  async fail(id: string, error: Error) {
    await this.boss.fail(ASSESSMENT_QUEUE, id, { message: error.message });
  }

  async stop() {
    await this.boss.stop({ graceful: true, close: true, timeout: 5000 });
  }
}

function urlFor(handle: DbHandle): string {
  const cfg = databaseConfig();
  if (handle.kind === "postgres" && "url" in handle && typeof (handle as { url?: unknown }).url === "string") return (handle as unknown as { url: string }).url;
  if (cfg.kind === "postgres") return cfg.url;
  throw new Error("The queue needs DATABASE_URL or an embedded database handle");
}
