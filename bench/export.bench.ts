// npm run bench:export [-- --rows 100000 --patients 20000 --runs 5 --formats csv,parquet,ndjson --sets spec,all]
//                      [--keep] [--db <name printed by --keep>] [--page-size 500 --row-group 8192 --read-ahead 1]
//                      [--runner node|tsx] [--node-options="--cpu-prof --cpu-prof-dir=prof"]
//
// Research export throughput, first byte and memory at 100k finished assessments on PostgreSQL.
// 1. Seeds a throwaway database (createTestDatabase) with synthetic patients (coded history,
//    family history, diet) and finished assessments with scores and image / tabular / fused
//    embeddings, directly in SQL (INSERT … SELECT generate_series: ~30 s for 100k on 2 cores).
//    `--keep` keeps the database and prints its name; `--db <name>` measures that database again
//    without seeding (it is checked to hold --rows finished assessments).
// 2. Measures in a separate process per (column set, format) — bench/export-serve.ts, which loads
//    only what an export loads (lib/export, its pg pool, a Prisma client for the audit rows) — so
//    the peak RSS is that of the process serving the export, not of this one with the seeding
//    code. By default that process runs bench/export-serve.ts bundled by esbuild under plain Node
//    (as a built server runs compiled code); `--runner tsx` runs it through the TypeScript loader
//    as `npm run export` does, whose loader thread adds ~35 MB.
//    Each export is streamed exactly as GET /api/export streams it (openExport → ReadableStream)
//    and its bytes are read away; every run exports the whole cohort.
// Column sets:
//   spec — the issue's target: row ids, demographics, scores and the 64-d fused embedding
//   all  — every column group: + tabular features (needs each page's records), scan, labels,
//          image and tabular embeddings
// Targets (spec): ≥ 20k rows/s for CSV and Parquet, peak RSS ≤ 300 MB, first byte ≤ 500 ms.
// Node CPU and PostgreSQL CPU per run are printed too: on a loaded 2-core machine wall time
// follows the load, CPU time much less.
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import pg from "pg";
import { adminUrl, createTestDatabase } from "@/test/support/pg-database";
import { machine, summarize } from "./stats";
import type { ServeJob, ServeResult } from "./export-serve";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    patients: { type: "string", default: "20000" },
    runs: { type: "string", default: "5" },
    formats: { type: "string", default: "csv,parquet,ndjson" },
    sets: { type: "string", default: "spec,all" },
    "page-size": { type: "string", default: "500" },
    "row-group": { type: "string", default: "8192" },
    "read-ahead": { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
    db: { type: "string" },
    "node-options": { type: "string", default: "" },
    runner: { type: "string", default: "node" },
  },
});
const ROWS = Number(values.rows);
const PATIENTS = Number(values.patients);
const RUNS = Number(values.runs);
const DIMS = { image: 64, tabular: 32, fused: 64 };
const SETS: Record<string, string> = { spec: "scores,fused_embedding", all: "features,scan,scores,labels,image_embedding,tabular_embedding,fused_embedding" };

async function seed(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const q = (sql: string) => c.query(sql);
  try {
    await q(`INSERT INTO "Patient" (id, mrn, "givenName", "familyName", "birthDate", sex, "updatedAt")
      SELECT gen_random_uuid(), 'BENCH-' || i, 'Given' || i, 'Family' || i, date '1930-01-01' + (random() * 20000)::int,
             (ARRAY['female','male'])[1 + (i % 2)]::"Sex", now()
      FROM generate_series(1, ${PATIENTS}) i`);
    await q(`INSERT INTO "Condition" (id, "patientId", "codeSystem", code, display, "onsetDate", status, "updatedAt")
      SELECT gen_random_uuid(), p.id, 'ICD10', (ARRAY['I10','E11.9','E78.5','J44.9','F17.210','I25.10','K21.9'])[1 + (random() * 6)::int], 'x',
             date '2000-01-01' + (random() * 8000)::int, 'active', now()
      FROM "Patient" p, generate_series(1, 3) k WHERE random() < 0.6`);
    await q(`INSERT INTO "FamilyHistory" (id, "patientId", relationship, "codeSystem", code, display, "ageAtOnset", "updatedAt")
      SELECT gen_random_uuid(), p.id, 'mother', 'ICD10', (ARRAY['C34.90','I25.10','E11.9'])[1 + (random() * 2)::int], 'x', 40 + (random() * 40)::int, now()
      FROM "Patient" p WHERE random() < 0.4`);
    await q(`INSERT INTO "DietRecord" (id, "patientId", "recordedOn", method, "energyKcal", "sodiumMg", "sugarsG", "saturatedFatG", "fibreG", "fruitVegServings", "redMeatServings", "alcoholUnits", "updatedAt")
      SELECT gen_random_uuid(), p.id, date '2024-01-01' + (random() * 600)::int, 'ffq', 2000 + random() * 500, 3000 + random() * 900, 80 + random() * 20,
             25 + random() * 8, 20 + random() * 6, 4 + random() * 2, 1 + random(), random() * 3, now()
      FROM "Patient" p, generate_series(1, 2) k`);
    // a plain indexed table (a temp table lives on one pooled connection; an unindexed join is quadratic)
    await q(`CREATE TABLE bench_pids AS SELECT row_number() OVER () AS n, id FROM "Patient"`);
    await q(`CREATE UNIQUE INDEX ON bench_pids (n)`);
    await q(`ANALYZE bench_pids`);
    // 2000 distinct embedding sets reused round-robin: export cost does not depend on the values
    // (embeddings are written PLAIN, never dictionary-encoded), and seeding stays fast
    await q(`CREATE TABLE bench_emb AS SELECT k, jsonb_build_object(
          'image', (SELECT jsonb_agg(random() * 2 - 1) FROM generate_series(1, ${DIMS.image}) d WHERE k > 0),
          'tabular', (SELECT jsonb_agg(random() * 2 - 1) FROM generate_series(1, ${DIMS.tabular}) d WHERE k > 0),
          'fused', (SELECT jsonb_agg(random() * 2 - 1) FROM generate_series(1, ${DIMS.fused}) d WHERE k > 0)) AS e
        FROM generate_series(0, 1999) k`);
    await q(`CREATE UNIQUE INDEX ON bench_emb (k)`);
    // user triggers (e.g. the per-row patient risk summary) are not what this bench measures
    await q(`ALTER TABLE "Assessment" DISABLE TRIGGER USER`);
    await q(`INSERT INTO "Assessment" (id, "patientId", "modelName", "modelVersion", strategy, status, scores, embeddings, "createdAt", "completedAt")
      SELECT gen_random_uuid(), bench_pids.id, 'fusion-joint', '1.0.0', 'joint', 'done',
        jsonb_build_object(
          'lung_cancer_2y', jsonb_build_object('probability', r1, 'interval', jsonb_build_array(r1 * 0.8, LEAST(1, r1 * 1.2)), 'category', CASE WHEN r1 > 0.2 THEN 'high' ELSE 'low' END),
          'mace_5y', jsonb_build_object('probability', r2, 'interval', jsonb_build_array(r2 * 0.8, LEAST(1, r2 * 1.2)), 'category', CASE WHEN r2 > 0.2 THEN 'high' ELSE 'low' END)),
        bench_emb.e,
        timestamptz '2025-01-01' + (random() * 600) * interval '1 day', now()
      FROM (SELECT i, random() AS r1, random() AS r2 FROM generate_series(1, ${ROWS}) i) g
      JOIN bench_pids ON bench_pids.n = 1 + (g.i % ${PATIENTS})
      JOIN bench_emb ON bench_emb.k = g.i % 2000`);
    await q(`ALTER TABLE "Assessment" ENABLE TRIGGER USER`);
    await q(`VACUUM ANALYZE`);
  } finally {
    await c.end();
  }
}

async function finishedAssessments(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Assessment" WHERE status = 'done'`)).rows[0].n;
  } finally {
    await c.end();
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The serving process's entry point. `node` (default): bench/export-serve.ts bundled once with
 * esbuild (packages stay in node_modules) and run by plain Node, as a built server runs compiled
 * code; `tsx`: run through the TypeScript loader as `npm run export` is (its loader thread adds
 * ~35 MB of RSS).
 */
function serveEntry(): string[] {
  const src = path.join(here, "export-serve.ts");
  if (values.runner === "tsx") return ["--import", "tsx", src];
  if (values.runner !== "node") throw new Error(`--runner ${values.runner}: expected node or tsx`);
  const out = path.join(here, "..", ".cache", "bench", "export-serve.mjs");
  buildSync({ entryPoints: [src], bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", outfile: out, logLevel: "warning" });
  return [out];
}

/** Runs one (set, format) measurement in a fresh process (bench/export-serve.ts). */
function serve(entry: string[], job: ServeJob): Promise<ServeResult[]> {
  const nodeArgs = values["node-options"] ? values["node-options"].split(" ") : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...entry, JSON.stringify(job)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`export-serve exited with ${code}`));
      resolve(out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as ServeResult));
    });
  });
}

let url: string;
let drop: (() => Promise<void>) | null = null;
let dbName: string;
if (values.db) {
  dbName = values.db;
  const u = new URL(adminUrl());
  u.pathname = `/${dbName}`;
  url = u.toString();
  const n = await finishedAssessments(url);
  if (n !== ROWS) throw new Error(`database ${dbName} holds ${n} finished assessments, not --rows ${ROWS}`);
  console.log(`reusing database ${dbName} (${n} finished assessments)`);
} else {
  const t0 = performance.now();
  const db = await createTestDatabase("bench_export");
  ({ url, name: dbName } = db);
  drop = db.drop;
  await seed(url);
  console.log(`seeded ${PATIENTS} patients, ${ROWS} assessments (embeddings image ${DIMS.image}, tabular ${DIMS.tabular}, fused ${DIMS.fused}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  const entry = serveEntry();
  console.log(`\nresearch export — ${machine()}`);
  console.log(`rows ${ROWS}, ${RUNS} runs per format, each format in a fresh process (bench/export-serve.ts, ${values.runner === "tsx" ? "through tsx" : "bundled, plain node"}) after a 2000-row warm-up`);
  console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (other work on this machine slows every wall-clock number; CPU times much less)\n`);
  const head = ["set", "format", "cols", "MB", "first byte ms med/p95", "total s med/p95", "rows/s med", "rows/s p95", "Node CPU s", "PG CPU s", "RSS before MB", "peak RSS MB"];
  const w = [5, 8, 5, 6, 22, 16, 11, 11, 11, 9, 14, 12];
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  console.log(line(head));
  for (const set of values.sets.split(",")) {
    for (const format of values.formats.split(",")) {
      const [r] = await serve(entry, { url, rows: ROWS, runs: RUNS, sets: { [set]: SETS[set] }, formats: [format], pageSize: Number(values["page-size"]), rowGroupSize: Number(values["row-group"]), readAhead: Number(values["read-ahead"]) });
      const f = summarize(r.firstByteMs);
      const t = summarize(r.totalMs);
      const cpu = summarize(r.nodeCpuMs);
      const pgc = summarize(r.pgCpuMs);
      console.log(
        line([
          set,
          format,
          String(r.columns),
          (r.bytes / 2 ** 20).toFixed(1),
          `${f.median.toFixed(0)} / ${f.p95.toFixed(0)}`,
          `${(t.median / 1000).toFixed(2)} / ${(t.p95 / 1000).toFixed(2)}`,
          String(Math.round(ROWS / (t.median / 1000))),
          String(Math.round(ROWS / (t.p95 / 1000))),
          (cpu.median / 1000).toFixed(2),
          (pgc.median / 1000).toFixed(2),
          r.rssBeforeMb.toFixed(0),
          r.peakRssMb.toFixed(0),
        ]),
      );
    }
  }
  console.log(`\nload average after: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log("rows/s p95 = rows / p95 of the total time (the slow end). Node CPU: the serving process, all threads. PG CPU: its database backends.");
  console.log(`\nreproduce: npm run bench:export -- --rows ${ROWS} --patients ${PATIENTS} --runs ${RUNS} --formats ${values.formats} --sets ${values.sets} --page-size ${values["page-size"]} --row-group ${values["row-group"]} --read-ahead ${values["read-ahead"]} --runner ${values.runner}${values.keep || values.db ? ` --db ${dbName}` : ""}   (PostgreSQL at TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres)`);
} finally {
  if (values.keep && drop) console.log(`kept database ${dbName}: measure it again with --db ${dbName} (drop it with: psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE "${dbName}"')`);
  else await drop?.();
}
