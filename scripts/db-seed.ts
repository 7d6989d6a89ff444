// npm run db:seed [-- --patients 200 --seed 42]
// Creates the deterministic demo cohort (models/fusion/cohort.ts) and the demo accounts (only where
// they may work: HOSTNAME on loopback, or FUSION_DEMO_USERS=1; lib/auth/config.ts). Idempotent.
import { parseArgs } from "node:util";
import { createDb } from "@/lib/db/client";
import { databaseConfig } from "@/lib/db/config";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { seedPatients } from "@/lib/db/seed-cohort";
import { DEMO_INDEX_DATE, seedDemoOutcomes } from "@/lib/outcomes/seed";
import { generateCohort, renderScan, scanToDicom } from "@/models/fusion/cohort";
import { seedScans } from "@/lib/ingest/seed-scans";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { prepareAssessmentWorker } from "@/lib/jobs/start-worker";
import { ensureDemoUsers } from "@/lib/auth/users";
import { demoUsersMode } from "@/lib/auth/config";

const { values } = parseArgs({
  options: {
    patients: { type: "string", default: process.env.FUSION_SEED_PATIENTS ?? "200" },
    seed: { type: "string", default: process.env.FUSION_SEED ?? "42" },
    "no-users": { type: "boolean", default: false },
    scans: { type: "string", default: process.env.FUSION_SEED_SCANS ?? "12" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("Usage: npm run db:seed -- [--patients N (default 200)] [--seed S (default 42)] [--scans K (default 12: synthetic CTs, assessed, for the first K patients)] [--no-users]");
  process.exit(0);
}
const n = Number(values.patients);
const seed = Number(values.seed);
if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error(`--patients must be a whole number 0..1000000, got ${values.patients}`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

const cfg = databaseConfig();
const db = await createDb(cfg).catch(exitIfDataDirLocked("db:seed"));
try {
  const t0 = performance.now();
  const chunk = 2000;
  let created = 0;
  let existing = 0;
  let outcomes = 0;
  for (let off = 0; off < n; off += chunk) {
    const cohort = generateCohort({ n: Math.min(chunk, n - off), seed, offset: off });
    const r = await seedPatients(db.prisma, cohort);
    // observed outcomes from the generator's ground truth, followed up to the record's date (lib/outcomes/README.md)
    outcomes += (await seedDemoOutcomes(db.prisma, cohort.map((p) => ({ mrn: p.patient.mrn, labels: p.labels, followUpUntil: p.asOf })))).outcomes;
    created += r.created;
    existing += r.existing;
    if (n > chunk) process.stdout.write(`\r  seeded ${Math.min(off + chunk, n)}/${n}`);
  }
  if (n > chunk) process.stdout.write("\n");
  const k = Math.min(n, Number(values.scans));
  let scans = { created: 0, existing: 0 };
  if (k > 0) {
    // Scans go through the upload path (Scan + Assessment + job + audit row), then a worker of this
    // process runs what was queued, so the demo cohort is assessed before the server starts.
    const queue = await AssessmentQueue.open(db);
    try {
      const worker = await prepareAssessmentWorker(db.prisma, queue, { source: "seed" }).catch(
        (e) => (console.warn(`db:seed: no scans seeded — the fusion model did not load: ${(e as Error).message}`), null),
      );
      if (worker) {
        // the baseline CT of the outcome follow-up (lib/outcomes/README.md "The demo cohort"): acquired on the index date
        const files = generateCohort({ n: k, seed }).map((p) => ({ mrn: p.patient.mrn, bytes: scanToDicom({ ...p, asOf: DEMO_INDEX_DATE }, renderScan(p)), filename: `${p.patient.mrn}.dcm` }));
        scans = await seedScans(db.prisma, queue, files);
        await worker.drain();
      }
    } finally {
      await queue.stop();
    }
  }
  // Where will the server listen? HOSTNAME, else 127.0.0.1: the default of npm start and npm run dev
  // (scripts/server.mjs). Demo accounts are created only for a loopback server (or FUSION_DEMO_USERS=1).
  const listenEnv = { ...process.env, HOSTNAME: process.env.HOSTNAME ?? "127.0.0.1" };
  const demo = demoUsersMode(listenEnv);
  const users = values["no-users"] ? [] : await ensureDemoUsers(db.prisma, listenEnv);
  if (!values["no-users"] && !demo.allowed)
    console.log(
      demo.why === "disabled"
        ? "db:seed: demo accounts skipped (FUSION_DEMO_USERS=0)."
        : `db:seed: demo accounts skipped — their passwords are published, and HOSTNAME=${listenEnv.HOSTNAME} is not loopback. ` +
            "They are created when the server listens on 127.0.0.1 / localhost / ::1 (the npm start default), or with FUSION_DEMO_USERS=1.",
    );
  console.log(
    `db:seed (${cfg.kind}): ${created} patients created, ${existing} already present (seed ${seed}), ` +
      `${outcomes} outcomes recorded, ${scans.created} scans assessed (${scans.existing} present), ${users.length} demo accounts ensured, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
} finally {
  await db.close();
}
