import { getDb } from "@/lib/db/client";
import { AssessmentQueue } from "./queue";
import type { AssessmentWorker } from "./worker";
import type { RunningWorker } from "./start-worker";
import { processGlobals } from "@/lib/platform/process-globals";

/*
 * Process-wide plumbing of the assessment pipeline. The web tier needs only the queue (the
 * database); the model is loaded by workers alone — here, the optional in-process worker, started
 * by instrumentation.ts when FUSION_INPROCESS_WORKER≠0 and never awaited by a request.
 * (Held on globalThis because Next.js may load this module once per route bundle.)
 */
type InProcess = { starting: Promise<RunningWorker> | null; running: RunningWorker | null; failedAt: number };
type Trainer = { start(): void; wake(): void; stop(): Promise<void> };
const g = processGlobals<{ __fusionQueue?: Promise<AssessmentQueue>; __fusionInProcess?: InProcess; __fusionTrainer?: Promise<Trainer> }>();
const inProcess = (): InProcess => (g.__fusionInProcess ??= { starting: null, running: null, failedAt: 0 });

/** After a failed model load, the in-process worker is tried again at most this often. */
const RESTART_AFTER_MS = 60_000;

export const inProcessWorkerEnabled = (env: NodeJS.ProcessEnv = process.env) => env.FUSION_INPROCESS_WORKER !== "0";

/** The assessment queue of this process: pg-boss in the application database. Loads no model. */
export function assessmentQueue(): Promise<AssessmentQueue> {
  g.__fusionQueue ??= getDb()
    .then((handle) => AssessmentQueue.open(handle))
    .catch((e) => {
      g.__fusionQueue = undefined;
      throw e;
    });
  return g.__fusionQueue;
}

/**
 * Starts the in-process worker (loads the model, registers it, heartbeats) unless
 * FUSION_INPROCESS_WORKER=0; resolves to null then. Idempotent: concurrent calls share one start.
 */
export async function startInProcessWorker(): Promise<RunningWorker | null> {
  if (!inProcessWorkerEnabled()) return null;
  const s = inProcess();
  if (s.running) return s.running;
  s.starting ??= (async () => {
    const [handle, queue] = await Promise.all([getDb(), assessmentQueue()]);
    // loaded on demand: the web tier's own module graph never reaches TensorFlow.js
    const { startAssessmentWorker } = await import("./start-worker");
    return startAssessmentWorker(handle.prisma, queue, {
      source: "server",
      concurrency: Number(process.env.FUSION_WORKER_CONCURRENCY ?? 1),
      log: (m) => console.log(`[worker] ${m}`),
    });
  })().then(
    (rw) => {
      s.running = rw;
      s.starting = null;
      return rw;
    },
    (e) => {
      s.starting = null;
      s.failedAt = Date.now();
      throw e;
    },
  );
  return s.starting;
}

/** The in-process worker if it is running (for live status events); never starts one. */
export function inProcessWorker(): AssessmentWorker | null {
  return g.__fusionInProcess?.running?.worker ?? null;
}

/**
 * Call after an assessment job committed: wakes the in-process worker at once (other workers wake
 * on NOTIFY or their next poll). If it is enabled but not running because its model failed to
 * load, one new attempt starts in the background, at most once a minute. Never waits for a model.
 */
export function assessmentQueued(): void {
  const s = g.__fusionInProcess;
  if (s?.running) return s.running.worker.wake();
  if (!s || !inProcessWorkerEnabled() || s.starting || Date.now() - s.failedAt < RESTART_AFTER_MS) return;
  startInProcessWorker().catch((e) => console.error(`[worker] the in-process worker did not start: ${(e as Error).message}`));
}

/**
 * The in-process training worker (lib/training/runner.ts TrainingWorker): takes training jobs
 * from the queue, one at a time, unless FUSION_INPROCESS_WORKER=0 (then `npm run worker` does).
 */
export function startInProcessTrainingWorker(): Promise<Trainer> | null {
  if (!inProcessWorkerEnabled()) return null;
  g.__fusionTrainer ??= Promise.all([getDb(), assessmentQueue(), import("@/lib/training/runner")]).then(([handle, queue, { TrainingWorker }]) => {
    const w = new TrainingWorker(handle.prisma, queue, { log: (m) => console.log(`[training] ${m}`) });
    w.start();
    return w;
  });
  g.__fusionTrainer.catch(() => (g.__fusionTrainer = undefined));
  return g.__fusionTrainer;
}

/** Call after a training job committed: starts or wakes the in-process training worker. */
export function trainingQueued(): void {
  startInProcessTrainingWorker()?.then((w) => w.wake(), (e) => console.error(`[training] the in-process training worker did not start: ${(e as Error).message}`));
}

/**
 * Restarts the in-process assessment worker so it loads the registry's (new) active version —
 * after an admin promoted or rolled back a model. Other worker processes pick it up when restarted.
 */
export async function reloadInProcessWorker(): Promise<void> {
  const s = g.__fusionInProcess;
  if (!s) return;
  const rw = s.running ?? (await s.starting?.catch(() => null)) ?? null;
  s.running = null;
  s.starting = null;
  await rw?.stop();
  await startInProcessWorker().catch((e) => console.error(`[worker] reload failed: ${(e as Error).message}`));
}

/** Stops the in-process worker and closes the queue (tests, shutdown). */
export async function stopJobRuntime(): Promise<void> {
  const t = await g.__fusionTrainer?.catch(() => null);
  g.__fusionTrainer = undefined;
  await t?.stop();
  const s = g.__fusionInProcess;
  g.__fusionInProcess = undefined;
  const rw = s?.running ?? (await s?.starting?.catch(() => null)) ?? null;
  await rw?.stop();
  const q = await g.__fusionQueue?.catch(() => null);
  g.__fusionQueue = undefined;
  await q?.stop();
}
