// npm run worker — a separate assessment worker process (run any number, on any machine that can
// reach the database). Uses DATABASE_URL (PostgreSQL); the embedded database allows one process
// only, so with it the web server's in-process worker does the work instead.
// It loads the model, records it in the ModelVersion registry as the active version (what the web
// tier queues new assessments for), heartbeats into WorkerHeartbeat (read by /api/health) and runs jobs.
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "@/lib/db/client";
import { databaseConfig } from "@/lib/db/config";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { startAssessmentWorker } from "@/lib/jobs/start-worker";
import { TrainingWorker } from "@/lib/training/runner";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: process.env.FUSION_WORKER_CONCURRENCY ?? "1" },
    "poll-ms": { type: "string", default: "1000" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("Usage: DATABASE_URL=postgresql://… npm run worker -- [--concurrency N] [--poll-ms 1000]");
  process.exit(0);
}
const cfg = databaseConfig();
if (cfg.kind !== "postgres") {
  console.error("npm run worker needs DATABASE_URL (PostgreSQL). With the embedded database the web server runs the worker in-process.");
  process.exit(2);
}
const handle = await createDb(cfg);
const queue = await AssessmentQueue.open(handle);
const rw = await startAssessmentWorker(handle.prisma, queue, {
  source: "worker",
  concurrency: Number(values.concurrency),
  pollMs: Number(values["poll-ms"]),
  log: (m) => console.log(`[worker ${process.pid}] ${m}`),
});
// training jobs too (one at a time), from the same queue
const trainer = new TrainingWorker(handle.prisma, queue, { log: (m) => console.log(`[worker ${process.pid}] ${m}`) });
trainer.start();
// Wake at once when an upload commits (NOTIFY is delivered on commit).
const listener = new pg.Client({ connectionString: cfg.url });
await listener.connect();
await listener.query("LISTEN fcds_assessment");
listener.on("notification", () => rw.worker.wake());
const m = rw.assessor.model;
console.log(`worker ${process.pid}: model ${m.name}@${m.version} (${m.strategy}) on ${m.backend}, concurrency ${values.concurrency}`);

let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`worker ${process.pid}: stopping after the current job…`);
    await rw.stop();
    await trainer.stop();
    await queue.stop();
    await listener.end();
    await handle.close();
    console.log(`worker ${process.pid}: stopped (${JSON.stringify(rw.worker.processed)})`);
    process.exit(0);
  });
