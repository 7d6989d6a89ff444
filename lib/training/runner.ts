/**
 * Runs one training job (any worker: the server's in-process one or `npm run worker`): claims it
 * (queued → running, so a job delivered twice runs once), trains the candidate from its snapshot
 * file only (models/fusion/api.ts trainCandidate), writes progress at most every second, stops when
 * a cancel is requested, and registers the result as a **candidate** ModelVersion — weights under
 * FUSION_DATA_DIR/models/<name>/<version>, never in the repository.
 */
import { execFileSync, fork } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { audit } from "@/lib/auth/audit";
import { activeModel } from "@/lib/db/model-registry";
import { trainedModelsDir } from "@/lib/db/models";
import { ModelOutcomes } from "@/lib/domain/outcomes";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import type { TrainingConfig } from "./jobs";


/** The commit the code was built from: FUSION_CODE_COMMIT, else `git rev-parse HEAD`, else null. */
export function codeCommit(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FUSION_CODE_COMMIT) return env.FUSION_CODE_COMMIT;
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim() || null;
  } catch {
    return null;
  }
}

export class TrainingCancelledError extends Error {}

type TrainResult = { bundleDir: string; weightsSha256: string; metrics: Record<string, unknown>; card: Record<string, unknown> };
type ChildProgress = { epoch: number; epochs: number; loss: number; valLoss?: number; etaSeconds?: number; phase: string };

/**
 * Runs models/fusion trainCandidate in a child process (train-child.ts, through tsx), so a long
 * training never stalls the process that hosts the worker (the web server). Abort → the child stops
 * between batches; a child that dies is an error.
 */
export function trainInChild(request: Record<string, unknown>, opts: { signal: AbortSignal; onProgress: (p: ChildProgress) => void }): Promise<TrainResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(new TrainingCancelledError("cancelled"));
    const child = fork(path.join(process.cwd(), "lib", "training", "train-child.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"], env: process.env });
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal.removeEventListener("abort", onAbort);
      f();
    };
    const onAbort = () => child.connected && child.send({ type: "cancel" });
    opts.signal.addEventListener("abort", onAbort);
    child.on("message", (m: { type: string; progress?: ChildProgress; result?: TrainResult; message?: string }) => {
      if (m.type === "progress" && m.progress) opts.onProgress({ ...m.progress, loss: m.progress.loss ?? NaN });
      else if (m.type === "done") finish(() => resolve(m.result!));
      else if (m.type === "cancelled") finish(() => reject(new TrainingCancelledError("cancelled")));
      else if (m.type === "error") finish(() => reject(new Error(m.message)));
    });
    child.on("error", (e) => finish(() => reject(e)));
    child.on("exit", (code) => finish(() => reject(new Error(`the training process ended unexpectedly (exit code ${code})`))));
    child.send({ type: "start", request });
  });
}

/** The tiny configuration (tests, demos): few epochs, small batches, few bootstrap draws. */
const TINY = { batchSize: 16, bootstrapB: 20, patience: 1 };

const SYSTEM = { clientAddress: null, userAgent: null, source: "worker" };

export async function runTrainingJob(db: PrismaClient, jobId: string, opts: { env?: NodeJS.ProcessEnv; cancelPollMs?: number; log?: (m: string) => void; afterClaim?: () => Promise<void> } = {}): Promise<"done" | "failed" | "cancelled" | "skipped"> {
  const claimed = await db.trainingJob.updateMany({ where: { id: jobId, status: "queued" }, data: { status: "running", startedAt: new Date() } });
  if (claimed.count !== 1) return "skipped"; // cancelled while queued, or another worker has it
  const job = await db.trainingJob.findUniqueOrThrow({ where: { id: jobId }, include: { snapshot: true } });
  const cfg = job.config as TrainingConfig;
  const active = await activeModel(db);
  const name = active?.name ?? "fusion-cds";
  const version = `c${new Date().toISOString().slice(0, 10).replace(/-/g, "")}-${job.id.slice(0, 8)}`;
  const outDir = path.join(trainedModelsDir(opts.env), name, version);
  const ac = new AbortController();
  let lastWrite = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const poll = setInterval(() => {
    db.trainingJob.findUnique({ where: { id: jobId }, select: { cancelRequested: true } }).then(
      (r) => r?.cancelRequested && ac.abort(),
      () => undefined,
    );
  }, opts.cancelPollMs ?? 1000);
  const writeProgress = (p: { epoch: number; epochs: number; loss: number; valLoss?: number; etaSeconds?: number; phase: string }, force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < 1000) return;
    lastWrite = now;
    const progress = { epoch: p.epoch, epochs: p.epochs, loss: Number.isFinite(p.loss) ? p.loss : null, valLoss: p.valLoss ?? null, etaSeconds: p.etaSeconds ?? null, phase: p.phase };
    pending = pending.then(() => db.trainingJob.updateMany({ where: { id: jobId, status: "running" }, data: { progress } })).catch(() => undefined);
  };
  try {
    await opts.afterClaim?.();
    // a cancel that arrived between the claim and the first poll
    if ((await db.trainingJob.findUnique({ where: { id: jobId }, select: { cancelRequested: true } }))?.cancelRequested) ac.abort();
    try {
      const r = await trainInChild(
        { snapshotPath: job.snapshot.path, strategy: job.strategy, seed: job.seed, epochs: cfg.epochs, outDir, name, version, ...(cfg.tiny ? TINY : {}) },
        { signal: ac.signal, onProgress: (p) => writeProgress(p, p.phase === "done") },
      );
      clearInterval(poll);
      await pending;
      const bundleOutcomes = await readFile(path.join(outDir, "inference.json"), "utf8")
        .then(async () => (await import("@/lib/fusion/outcomes")).readBundleOutcomes(outDir))
        .catch(() => null);
      const inputSpec = await readFile(path.join(outDir, "encoders.json"), "utf8").then((t) => JSON.parse(t) as Record<string, unknown>).catch(() => ({}));
      const strategy: FusionStrategy = job.strategy === "early_strong" ? "early" : (job.strategy as FusionStrategy);
      await db.$transaction(async (tx) => {
        const mv = await tx.modelVersion.create({
          data: {
            name, version, strategy, heads: job.snapshot.heads, inputSpec: inputSpec as Prisma.InputJsonValue, card: r.card as Prisma.InputJsonValue, metrics: r.metrics as Prisma.InputJsonValue,
            outcomes: bundleOutcomes ? (ModelOutcomes.parse(bundleOutcomes) as Prisma.InputJsonValue) : undefined,
            status: "candidate", active: false, weightsSha256: r.weightsSha256, snapshotSha256: job.snapshot.sha256, codeCommit: codeCommit(opts.env), seed: job.seed,
            bundleDir: r.bundleDir, trainingJobId: job.id,
          },
        });
        await tx.trainingJob.update({ where: { id: jobId }, data: { status: "done", completedAt: new Date(), modelVersionId: mv.id } });
        await audit(tx, { actor: null, action: "model.register_candidate", entityType: "ModelVersion", entityId: mv.id, outcome: "success", request: SYSTEM, details: { model: `${name}@${version}`, strategy: job.strategy, snapshot: job.snapshot.sha256, weightsSha256: r.weightsSha256, trainingJob: job.id } });
      });
      opts.log?.(`training ${jobId}: candidate ${name}@${version} registered`);
      return "done";
    } catch (e) {
      clearInterval(poll);
      await pending;
      await rm(outDir, { recursive: true, force: true });
      const cancelled = e instanceof TrainingCancelledError || ac.signal.aborted;
      await db.trainingJob.update({ where: { id: jobId }, data: { status: cancelled ? "cancelled" : "failed", completedAt: new Date(), error: cancelled ? null : String((e as Error).message ?? e).slice(0, 2000) } });
      await audit(db, { actor: null, action: cancelled ? "training.cancelled" : "training.fail", entityType: "TrainingJob", entityId: jobId, outcome: cancelled ? "success" : "failure", request: SYSTEM, details: cancelled ? {} : { error: String((e as Error).message ?? e).slice(0, 500) } });
      opts.log?.(`training ${jobId}: ${cancelled ? "cancelled" : `failed: ${(e as Error).message}`}`);
      return cancelled ? "cancelled" : "failed";
    }
  } finally {
    clearInterval(poll);
  }
}

/**
 * Pulls training jobs from the queue, one at a time (training uses every core it gets). Started
 * beside the assessment worker; `stop()` lets the current job run to its end.
 */
export class TrainingWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  constructor(
    private readonly db: PrismaClient,
    private readonly queue: { fetchTraining(): Promise<{ id: string; data: { trainingJobId: string } }[]>; completeTraining(id: string): Promise<void> },
    private readonly opts: { pollMs?: number; env?: NodeJS.ProcessEnv; log?: (m: string) => void } = {},
  ) {}
  start() {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let jobs: { id: string; data: { trainingJobId: string } }[] = [];
        try {
          jobs = await this.queue.fetchTraining();
        } catch (e) {
          this.opts.log?.(`training queue: ${(e as Error).message}`);
        }
        for (const j of jobs) {
          await runTrainingJob(this.db, j.data.trainingJobId, { env: this.opts.env, log: this.opts.log }).catch((e) => this.opts.log?.(`training ${j.data.trainingJobId}: ${(e as Error).message}`));
          await this.queue.completeTraining(j.id).catch(() => undefined);
        }
        if (!jobs.length && this.running) await new Promise<void>((r) => ((this.wakeUp = r), setTimeout(r, this.opts.pollMs ?? 2000)));
      }
    })();
  }
  wake() {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }
  async stop() {
    this.running = false;
    this.wake();
    await this.loop;
  }
}
