// npm run bench:export [-- --rows 100000 --patients 20000 --runs 3 --formats csv,parquet,ndjson]
//
// Research export throughput on a throwaway PostgreSQL database (freshPostgres): seeds synthetic
// patients (with coded history, family history and diet) and finished assessments with scores and
// image / tabular / fused embeddings directly in SQL (INSERT … SELECT generate_series — seconds for
// 100k rows), then streams the export through lib/export exactly as GET /api/export does and
// reads the bytes away. Prints median / p95 per format for two column sets:
//   spec  — the target: row ids, demographics, scores and the 64-d fused embedding
//   all   — every column group: + tabular features (needs each page's records), scan, labels,
//           image and tabular embeddings
// Targets: ≥ 20k rows/s for CSV and Parquet, peak RSS ≤ 300 MB, first byte ≤ 500 ms.
import { parseArgs } from "node:util";
import os from "node:os";
import { freshPostgres } from "@/test/support/engines";
import { parseOrThrow } from "@/lib/domain/validate";
import { ExportQuery } from "@/lib/export/query";
import { openExport } from "@/lib/export/stream";
import { closeExportPools, pgQueryable } from "@/lib/export/source";
import { machine, summarize } from "./stats";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    patients: { type: "string", default: "20000" },
    runs: { type: "string", default: "3" },
    formats: { type: "string", default: "csv,parquet,ndjson" },
    sets: { type: "string", default: "spec,all" },
    "page-size": { type: "string", default: "500" },
    "row-group": { type: "string", default: "8192" },
  },
});
const ROWS = Number(values.rows);
const PATIENTS = Number(values.patients);
const RUNS = Number(values.runs);
const DIMS = { image: 64, tabular: 32, fused: 64 };

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const timer = setInterval(sample, 20);

const eng = await freshPostgres("bench_export");
try {
  const t0 = performance.now();
  const q = (sql: string) => eng.prisma.$executeRawUnsafe(sql);
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
  await q(`ANALYZE`);
  console.log(`seeded ${PATIENTS} patients, ${ROWS} assessments (embeddings image ${DIMS.image}, tabular ${DIMS.tabular}, fused ${DIMS.fused}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const seedRss = process.memoryUsage().rss;

  // warm up (Prisma's query compiler, JIT) as a running server would be
  for (const format of ["csv", "parquet"]) {
    const w = await openExport(parseOrThrow(ExportQuery, { format, limit: "2000" }), { db: eng.prisma, actor: null, username: "bench", request: { clientAddress: null, userAgent: "bench", source: "bench" } });
    await new Response(w.stream).arrayBuffer();
  }
  const sets: Record<string, string> = { spec: "scores,fused_embedding", all: "features,scan,scores,labels,image_embedding,tabular_embedding,fused_embedding" };
  console.log(`\nresearch export — ${machine()}`);
  console.log(`rows ${ROWS}, runs ${RUNS} per format; RSS at start ${(seedRss / 2 ** 20).toFixed(0)} MB\n`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (other work on this machine slows every number; Node CPU time is less sensitive)`);
  console.log("set   format   columns  MB/run   first byte med/p95 (ms)   first rows (ms)   total med/p95 (s)   rows/s (median)   peak RSS (MB)   Node CPU s   rows per Node-CPU-s");
  const results: string[] = [];
  for (const set of values.sets.split(",")) {
    for (const format of values.formats.split(",")) {
      const first: number[] = [];
      const firstRows: number[] = [];
      const totals: number[] = [];
      const cpus: number[] = [];
      let size = 0;
      let cols = 0;
      peakRss = 0;
      for (let r = 0; r < RUNS; r++) {
        const s = performance.now();
        const c0 = process.cpuUsage();
        const x = await openExport(parseOrThrow(ExportQuery, { format, columns: sets[set] }), {
          db: eng.prisma,
          sql: pgQueryable(eng.url!),
          actor: null,
          username: "bench",
          request: { clientAddress: null, userAgent: "bench", source: "bench" },
          pageSize: Number(values["page-size"]),
          rowGroupSize: Number(values["row-group"]),
        });
        cols = x.columns.length;
        const reader = x.stream.getReader();
        let bytes = 0;
        let tFirst = -1;
        let tFirstRows = -1;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (tFirst < 0) tFirst = performance.now() - s;
          bytes += value.byteLength;
          // "first rows": first chunk past the CSV header / Parquet magic
          if (tFirstRows < 0 && bytes > 4096) tFirstRows = performance.now() - s;
        }
        const summary = await x.done;
        if (summary.rows !== ROWS) throw new Error(`expected ${ROWS} rows, got ${summary.rows}`);
        totals.push(performance.now() - s);
        const c = process.cpuUsage(c0);
        cpus.push((c.user + c.system) / 1000);
        first.push(tFirst);
        firstRows.push(tFirstRows);
        size = bytes;
        sample();
      }
      const t = summarize(totals);
      const f = summarize(first);
      const fr = summarize(firstRows);
      const cpu = summarize(cpus);
      const line =
        `${set.padEnd(5)} ${format.padEnd(8)} ${String(cols).padStart(7)}  ${(size / 2 ** 20).toFixed(1).padStart(6)}   ` +
        `${f.median.toFixed(0).padStart(8)} / ${f.p95.toFixed(0).padEnd(10)}   ${fr.median.toFixed(0).padStart(10)}        ` +
        `${(t.median / 1000).toFixed(2)} / ${(t.p95 / 1000).toFixed(2)}        ${Math.round(ROWS / (t.median / 1000)).toString().padStart(8)}          ${(peakRss / 2 ** 20).toFixed(0).padStart(5)}      ${(cpu.median / 1000).toFixed(2)}  ${Math.round(ROWS / (cpu.median / 1000)).toString().padStart(8)}`;
      console.log(line);
      results.push(line);
    }
  }
  console.log(`\nreproduce: npm run bench:export -- --rows ${ROWS} --patients ${PATIENTS} --runs ${RUNS} --page-size ${values["page-size"]} --row-group ${values["row-group"]}   (PostgreSQL at TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres)`);
} finally {
  clearInterval(timer);
  await closeExportPools();
  await eng.drop();
}
