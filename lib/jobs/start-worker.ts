import { hostname } from "node:os";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { registerServedModel } from "@/lib/db/model-registry";
import type { AssessmentQueue } from "./queue";
import type { Assessor } from "./assessor";
import { AssessmentWorker, type WorkerOptions } from "./worker";
import { loadFusionAssessor } from "./fusion-assessor";
import { Heartbeat } from "./heartbeat";

export type RunningWorker = { worker: AssessmentWorker; assessor: Assessor; heartbeat: Heartbeat; stop(): Promise<void> };
type StartOptions = WorkerOptions & { source: "server" | "worker" | "seed"; assessor?: Assessor; modelDir?: string; heartbeatMs?: number };

/**
 * A worker, not yet running: its model loaded (TensorFlow.js; only workers do) and recorded in
 * the ModelVersion registry as the active version. The demo seed uses it as is (`drain()` runs
 * what it queued); `startAssessmentWorker` adds the heartbeat and the job loops.
 */
export async function prepareAssessmentWorker(db: PrismaClient, queue: AssessmentQueue, opts: StartOptions): Promise<AssessmentWorker> {
  // a version an admin promoted (a trained bundle under the data directory) is served instead of the
  // shipped one; if it cannot be loaded the worker does not start (it never silently re-activates another)
  const promoted = opts.assessor || opts.modelDir ? null : await db.modelVersion.findFirst({ where: { status: "active", bundleDir: { not: null } }, orderBy: { activatedAt: "desc" }, select: { bundleDir: true } });
  const assessor = opts.assessor ?? (await loadFusionAssessor({ dir: opts.modelDir ?? promoted?.bundleDir ?? undefined }));
  if (assessor.registry) await registerServedModel(db, assessor.registry, opts.source);
  // a version in shadow scores every assessment silently (stored apart; a bundle that fails to load is skipped, logged)
  let shadow = opts.shadow;
  if (shadow === undefined && !opts.assessor) {
    const row = await db.modelVersion.findFirst({ where: { status: "shadow", bundleDir: { not: null } }, orderBy: { statusChangedAt: "desc" }, select: { id: true, bundleDir: true, name: true, version: true } });
    shadow = row
      ? await loadFusionAssessor({ dir: row.bundleDir! }).then(
          (a) => ({ modelVersionId: row.id, assessor: a }),
          (e) => (opts.log?.(`shadow ${row.name}@${row.version} not loaded: ${(e as Error).message}`), null),
        )
      : null;
  }
  return new AssessmentWorker(db, queue, assessor, { ...opts, shadow });
}

/**
 * What every worker does when it starts — the web server's in-process worker and `npm run worker`
 * alike: load the model and record it in the registry (`prepareAssessmentWorker`), write a
 * heartbeat, and start pulling jobs. Never called on a request path: the web tier queues for the
 * registry's active version and needs only the database.
 */
export async function startAssessmentWorker(db: PrismaClient, queue: AssessmentQueue, opts: StartOptions): Promise<RunningWorker> {
  const worker = await prepareAssessmentWorker(db, queue, opts);
  const assessor = worker.assessor;
  const heartbeat = new Heartbeat(
    db,
    {
      host: hostname(),
      pid: process.pid,
      source: opts.source,
      modelName: assessor.model.name,
      modelVersion: assessor.model.version,
      backend: assessor.model.backend,
      concurrency: Math.max(1, opts.concurrency ?? 1),
    },
    () => ({ ...worker.processed }),
    opts.heartbeatMs,
    opts.log,
  );
  await heartbeat.start();
  worker.start();
  return {
    worker,
    assessor,
    heartbeat,
    async stop() {
      await worker.stop();
      await heartbeat.stop();
    },
  };
}
