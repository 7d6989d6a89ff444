import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { AssessmentQueue } from "./queue";
import type { Assessor } from "./assessor";
import { PermanentJobError, failAssessment, requeueAssessment, runAssessment, type ShadowAssessor } from "./assess-job";

export type WorkerOptions = {
  /** jobs run at once in this process (default 1: inference is CPU-bound) */
  concurrency?: number;
  /** how often to look for work when nobody wakes the worker (default 1000 ms) */
  pollMs?: number;
  log?: (msg: string) => void;
  /** a version in shadow that scores each assessment silently (lib/training/README.md) */
  shadow?: ShadowAssessor | null;
};

export type WorkerEvent = { assessmentId: string; status: "running" | "done" | "failed" | "queued" };

/**
 * Pulls assessment jobs and runs them. In the web server it is woken right after an upload
 * commits (no polling delay); separate `npm run worker` processes on other machines poll, and on
 * PostgreSQL also wake on NOTIFY.
 */
export class AssessmentWorker {
  private running = false;
  private active = 0;
  private waiter: (() => void) | null = null;
  private loops: Promise<void>[] = [];
  private listeners = new Set<(e: WorkerEvent) => void>();
  readonly processed = { done: 0, failed: 0, retried: 0, skipped: 0 };

  constructor(
    private readonly db: PrismaClient,
    private readonly queue: AssessmentQueue,
    readonly assessor: Assessor,
    private readonly opts: WorkerOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const n = Math.max(1, this.opts.concurrency ?? 1);
    for (let i = 0; i < n; i++) this.loops.push(this.loop());
  }

  /** Wake idle loops now (called after an upload commits). */
  wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  onEvent(fn: (e: WorkerEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await Promise.all(this.loops);
    this.loops = [];
  }

  /**
   * Runs queued jobs here, one after another, until none is ready, without starting the loops (the
   * demo seed assesses what it queued this way). A job waiting for a retry is left to the workers.
   */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const jobs = await this.queue.fetch(1);
      if (!jobs.length) return n;
      for (const job of jobs) await this.handle(job);
      n += jobs.length;
    }
  }

  get busy(): number {
    return this.active;
  }

  private emit(e: WorkerEvent) {
    for (const l of this.listeners) l(e);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let jobs: Awaited<ReturnType<AssessmentQueue["fetch"]>> = [];
      try {
        jobs = await this.queue.fetch(1);
      } catch (e) {
        this.opts.log?.(`fetch failed: ${(e as Error).message}`);
      }
      if (!jobs.length) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.opts.pollMs ?? 1000);
          const prev = this.waiter;
          this.waiter = () => {
            clearTimeout(t);
            prev?.();
            resolve();
          };
        });
        continue;
      }
      for (const job of jobs) await this.handle(job);
    }
  }

  private async handle(job: Awaited<ReturnType<AssessmentQueue["fetch"]>>[number]): Promise<void> {
    const id = job.data.assessmentId;
    this.active++;
    this.emit({ assessmentId: id, status: "running" });
    try {
      const r = await runAssessment(this.db, this.assessor, id, this.opts.shadow);
      if (typeof r === "object") {
        // a debounced re-assessment pushed back by a later record change: a new job for its new time
        await this.queue.sendLater({ assessmentId: id }, r.deferredUntil);
        await this.queue.complete(job.id, { deferredUntil: r.deferredUntil.toISOString() });
        this.processed.skipped++;
        return;
      }
      await this.queue.complete(job.id, { result: r });
      this.processed[r === "done" ? "done" : "skipped"]++;
      this.emit({ assessmentId: id, status: "done" });
    } catch (e) {
      const err = e as Error;
      const final = e instanceof PermanentJobError || job.retryCount >= job.retryLimit;
      this.opts.log?.(`assessment ${id} ${final ? "failed" : "will be retried"}: ${err.message}`);
      try {
        if (final) {
          await failAssessment(this.db, id, err.message);
          // Permanent errors are not retried: completing the job stops pg-boss from trying again.
          if (e instanceof PermanentJobError) await this.queue.complete(job.id, { failed: err.message });
          else await this.queue.fail(job.id, err); // retries exhausted → dead-letter queue
          this.processed.failed++;
          this.emit({ assessmentId: id, status: "failed" });
        } else {
          await requeueAssessment(this.db, id, err.message);
          await this.queue.fail(job.id, err); // pg-boss retries with backoff
          this.processed.retried++;
          this.emit({ assessmentId: id, status: "queued" });
        }
      } catch (inner) {
        this.opts.log?.(`could not record the failure of ${id}: ${(inner as Error).message}`);
      }
    } finally {
      this.active--;
    }
  }
}
