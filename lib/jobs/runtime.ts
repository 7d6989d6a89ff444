import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/domain/errors";
import { AssessmentQueue } from "./queue";
import { AssessmentWorker } from "./worker";
import type { Assessor } from "./assessor";
import { loadFusionAssessor } from "./fusion-assessor";
import { registerServedModel } from "@/lib/db/model-registry";

export type JobRuntime = { queue: AssessmentQueue; worker: AssessmentWorker | null; assessor: Assessor };

const g = globalThis as unknown as { __fusionJobs?: Promise<JobRuntime> };

/**
 * The process-wide queue, and (unless FUSION_INPROCESS_WORKER=0) an in-process worker, so that a
 * single `npm start` does everything. Production can run the web tier with the worker off and any
 * number of `npm run worker` processes instead.
 */
export function jobRuntime(): Promise<JobRuntime> {
  g.__fusionJobs ??= (async () => {
    const handle = await getDb();
    const queue = await AssessmentQueue.open(handle);
    const assessor = await loadFusionAssessor().catch((e) => {
      // No served model (or one that refuses to load): a 503 the UI can explain, not a 500.
      throw new AppError(503, "model_unavailable", `The risk model is not available: ${(e as Error).message}`);
    });
    if (assessor.registry) await registerServedModel(handle.prisma, assessor.registry, "server");
    let worker: AssessmentWorker | null = null;
    if (process.env.FUSION_INPROCESS_WORKER !== "0") {
      worker = new AssessmentWorker(handle.prisma, queue, assessor, {
        concurrency: Number(process.env.FUSION_WORKER_CONCURRENCY ?? 1),
        log: (m) => console.log(`[worker] ${m}`),
      });
      worker.start();
    }
    return { queue, worker, assessor };
  })().catch((e) => {
    g.__fusionJobs = undefined;
    throw e;
  });
  return g.__fusionJobs;
}

export async function stopJobRuntime(): Promise<void> {
  const rt = await g.__fusionJobs?.catch(() => null);
  g.__fusionJobs = undefined;
  if (!rt) return;
  await rt.worker?.stop();
  await rt.queue.stop();
}
