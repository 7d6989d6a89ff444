// npm run bench:patient-list [-- --patients 100000 --assessed 0.6 --iterations 200 --engine postgres|pglite]
// Server time of the patient list page's data work (lib/db/patient-list listPatients: count +
// sorted page incl. latest risk, plus the page's audit row) at 100k patients, for every sort the
// list offers — especially "highest risk" and "most recently assessed", which read the
// trigger-maintained Patient.maxRisk / lastAssessmentAt and their indexes. Target: p95 ≤ 50 ms.
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import path from "node:path";
import { freshPglite, freshPostgres } from "@/test/support/engines";
import { analyzeWhereNeeded } from "@/lib/db/embedded-statistics";
import { listPatients } from "@/lib/db/patient-list";
import { audit } from "@/lib/auth/audit";
import { PatientSearch } from "@/lib/domain";
import { summarize, fmt, machine } from "./stats";

const { values } = parseArgs({
  options: {
    patients: { type: "string", default: "100000" },
    assessed: { type: "string", default: "0.6" },
    iterations: { type: "string", default: "200" },
    engine: { type: "string", default: "postgres" },
  },
});
const n = Number(values.patients);
const assessedShare = Number(values.assessed);
const iterations = Number(values.iterations);

console.log(`bench:patient-list — ${machine()}`);
console.log(`engine ${values.engine}, ${n} patients (${Math.round(assessedShare * 100)}% assessed), ${iterations} requests per case\n`);
const e = values.engine === "pglite" ? await freshPglite() : await freshPostgres("bench_list");
try {
  const t0 = performance.now();
  // Bulk seed in SQL (the cohort generator is too slow for 100k here): 40 given × 60 family names
  // (the demo cohort's pool sizes), so a name search matches ~1–3% of patients as in a real clinic.
  await e.prisma.$executeRawUnsafe(`
    INSERT INTO "Patient" ("id", "mrn", "givenName", "familyName", "birthDate", "sex", "updatedAt")
    SELECT gen_random_uuid(), 'BENCH-' || lpad(i::text, 7, '0'),
           g.given[1 + (i / 60) % 40],
           f.family[1 + (i * 7919) % 60],
           DATE '1930-01-01' + (i * 37 % 25000), (ARRAY['female','male'])[1 + i % 2]::"Sex", now()
      FROM generate_series(1, ${n}) AS i,
           (SELECT ARRAY['Olivia','Amelia','Isla','Ava','Mia','Grace','Sophia','Ella','Lily','Freya','Chloe','Emily','Hannah','Margaret','Susan','Patricia','Linda','Maria','Fatima','Aisha',
                         'Oliver','George','Noah','Arthur','Leo','Harry','Jack','Thomas','James','William','Robert','Michael','David','Mohammed','Ahmed','Raj','Wei','Lars','Mateo','John'] AS given) AS g,
           (SELECT ARRAY['Smith','Jones','Taylor','Brown','Williams','Wilson','Johnson','Davies','Robinson','Wright','Thompson','Evans','Walker','White','Roberts','Green','Hall','Wood','Jackson','Clarke',
                         'Patel','Khan','Singh','Ahmed','Ali','Chen','Wang','Li','Nguyen','Kim','Tanaka','Sato','Müller','Schmidt','Nowak','Kowalski','O''Brien','Murphy','Kelly','García',
                         'Martínez','Rodríguez','López','Rossi','Russo','Ferrari','Dubois','Martin','Bernard','Andersson','Johansson','Hansen','Nielsen','Okafor','Mensah','Cohen','Levi','Ivanova','Petrov','Silva'] AS family) AS f`);
  const seeded = performance.now();
  // Finished assessments for a share of them. Bulk-loaded with the trigger off, then the
  // migration's own set-based backfill statement keeps Patient in step; a second, small batch goes
  // through the trigger to time it per row (as the worker writes them).
  await e.prisma.$executeRawUnsafe(`ALTER TABLE "Assessment" DISABLE TRIGGER "Assessment_patient_risk"`);
  await e.prisma.$executeRawUnsafe(`
    INSERT INTO "Assessment" ("id", "patientId", "modelName", "modelVersion", "strategy", "status", "scores", "createdAt", "completedAt")
    SELECT gen_random_uuid(), p."id", 'fusion-demo', '1.0.0', 'joint', 'done',
           jsonb_build_object('lung_cancer_2y', jsonb_build_object('probability', r1, 'interval', jsonb_build_array(r1 * 0.7, r1 * 1.3), 'category', CASE WHEN r1 >= 0.2 THEN 'high' WHEN r1 >= 0.05 THEN 'moderate' ELSE 'low' END),
                              'mace_5y', jsonb_build_object('probability', r2, 'interval', jsonb_build_array(r2 * 0.7, r2 * 1.3), 'category', CASE WHEN r2 >= 0.2 THEN 'high' WHEN r2 >= 0.05 THEN 'moderate' ELSE 'low' END)),
           now() - (random() * interval '700 days'), now() - (random() * interval '700 days')
      FROM (SELECT "id", random() ^ 3 * 0.6 AS r1, random() ^ 2 * 0.4 AS r2 FROM "Patient" WHERE random() < ${assessedShare}) AS p`);
  await e.prisma.$executeRawUnsafe(`ALTER TABLE "Assessment" ENABLE TRIGGER "Assessment_patient_risk"`);
  const migrationSql = readFileSync(path.join(process.cwd(), "prisma/migrations/20261128003000_workspace/migration.sql"), "utf8");
  await e.prisma.$executeRawUnsafe(migrationSql.slice(migrationSql.indexOf("UPDATE \"Patient\" AS p")).replace(/;\s*$/, ""));
  const trig0 = performance.now();
  const viaTrigger = 200;
  await e.prisma.$executeRawUnsafe(`
    INSERT INTO "Assessment" ("id", "patientId", "modelName", "modelVersion", "strategy", "status", "scores", "createdAt", "completedAt")
    SELECT gen_random_uuid(), "id", 'fusion-demo', '1.0.1', 'joint', 'done', '{"lung_cancer_2y":{"probability":0.5,"interval":[0.4,0.6],"category":"high"},"mace_5y":{"probability":0.1,"interval":[0.08,0.12],"category":"moderate"}}', now(), now()
      FROM "Patient" ORDER BY "mrn" LIMIT ${viaTrigger}`);
  const trigMs = (performance.now() - trig0) / viaTrigger;
  // statistics as each engine gathers them on its own: autovacuum on PostgreSQL (run now rather than
  // waited for); on the embedded database the server's check (lib/db/embedded-statistics.ts) when it
  // opens the folder a seed wrote, or its timer
  if (e.kind === "postgres") await e.prisma.$executeRawUnsafe("ANALYZE");
  else console.log(`embedded statistics: analysed ${(await analyzeWhereNeeded(e.pglite!)).tables.length} tables`);
  const done = performance.now();
  const assessed = await e.prisma.patient.count({ where: { maxRisk: { not: null } } });
  console.log(`seeded ${n} patients in ${((seeded - t0) / 1000).toFixed(1)} s; ${assessed} assessed patients (bulk + backfill) in ${((done - seeded) / 1000).toFixed(1)} s; trigger cost ${trigMs.toFixed(2)} ms per inserted assessment\n`);

  const actor = { userId: "00000000-0000-4000-8000-000000000001", username: "bench", displayName: "Bench", role: "clinician" as const, sessionId: "s", csrfToken: "c" };
  const cases: [string, Record<string, string>][] = [
    ["name, page 1", { sort: "name" }],
    ["-risk, page 1", { sort: "-risk" }],
    ["-risk, page 3", { sort: "-risk", page: "3" }],
    ["-risk, page 400", { sort: "-risk", page: "400" }],
    ["-lastAssessment", { sort: "-lastAssessment" }],
        ["q=smith -risk", { q: "smith", sort: "-risk" }],
    ["q=maria khan", { q: "maria khan", sort: "-lastAssessment" }],
    ["q=DEMO-like mrn", { q: "BENCH-00123", sort: "name" }],
    ["-risk, 100/page", { sort: "-risk", pageSize: "100" }],
  ];
  const all: number[] = [];
  const risky: number[] = [];
  console.log("case".padEnd(20), "total".padStart(7), "median".padStart(10), "p95".padStart(10));
  for (const [label, q] of cases) {
    const s = PatientSearch.parse(q);
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < iterations + 10; i++) {
      const t = performance.now();
      const page = await listPatients(e.prisma, s);
      await audit(e.prisma, { actor, action: "patient.search", entityType: "Patient", outcome: "success", details: { q: s.q, sort: s.sort, returned: page.items.length } });
      const dt = performance.now() - t;
      total = page.total;
      if (i >= 10) times.push(dt);
    }
    all.push(...times);
    if (/risk|lastAssessment/i.test(s.sort)) risky.push(...times);
    const st = summarize(times);
    console.log(label.padEnd(20), String(total).padStart(7), fmt(st.median).padStart(10), fmt(st.p95).padStart(10));
  }
  const a = summarize(all);
  const r = summarize(risky);
  console.log(`\nall cases: median ${fmt(a.median)}, p95 ${fmt(a.p95)} (n=${a.n}); risk/last-assessment sorts: median ${fmt(r.median)}, p95 ${fmt(r.p95)}`);
  console.log(`target p95 ≤ 50 ms: ${a.p95 <= 50 ? "met" : "NOT met"}`);
  console.log(`reproduce: npm run bench:patient-list -- --patients ${n} --assessed ${assessedShare} --iterations ${iterations} --engine ${values.engine}`);
} finally {
  await e.drop();
}
