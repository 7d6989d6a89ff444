// npm run worker — a separate assessment worker process (run any number, on any machine that can
// reach the database). Uses DATABASE_URL (PostgreSQL); the embedded database allows one process
// only, so with it the web server's in-process worker does the work instead.
import { parseArgs } from "node:util";
import pg from "pg";
import { createDb } from "@/lib/db/client";
import { databaseConfig } from "@/lib/db/config";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { AssessmentWorker } from "@/lib/jobs/worker";
import { loadFusionAssessor } from "@/lib/jobs/fusion-assessor";
import { registerServedModel } from "@/lib/db/model-registry";

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
const assessor = await loadFusionAssessor();
if (assessor.registry) await registerServedModel(handle.prisma, assessor.registry, "worker");
const worker = new AssessmentWorker(handle.prisma, queue, assessor, {
  concurrency: Number(values.concurrency),
  pollMs: Number(values["poll-ms"]),
  log: (m) => console.log(`[worker ${process.pid}] ${m}`),
});
// Wake at once when an upload commits (NOTIFY is delivered on commit).
const listener = new pg.Client({ connectionString: cfg.url });
await listener.connect();
await listener.query("LISTEN fcds_assessment");
listener.on("notification", () => worker.wake());
worker.start();
console.log(`worker ${process.pid}: model ${assessor.model.name}@${assessor.model.version} (${assessor.model.strategy}) on ${assessor.model.backend}, concurrency ${values.concurrency}`);

let stopping = false;
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`worker ${process.pid}: stopping after the current job…`);
    await worker.stop();
    await queue.stop();
    await listener.end();
    await handle.close();
    console.log(`worker ${process.pid}: stopped (${JSON.stringify(worker.processed)})`);
    process.exit(0);
  });
