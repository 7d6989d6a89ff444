// npm run bench:fhir-import [-- --patients 10000 --group 250 --engine pglite|postgres]
// Import throughput: a 10,000-patient NDJSON file (Patient, Condition, FamilyMemberHistory, smoking
// status and diet Observations, written by lib/fhir's own export mapping from the synthetic
// cohort) → lib/fhir/ndjson.ts importNdjson into a fresh database, with re-assessments queued.
// Prints patients per second (whole file, including the up-front check of every line) and the
// time per group transaction (median / p95).
import { mkdtempSync, writeFileSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { freshPglite, freshPostgres } from "@/test/support/engines";
import { generateCohort } from "@/models/fusion/cohort";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { applyPlan } from "@/lib/fhir/import";
import { planNdjson } from "@/lib/fhir/ndjson";
import { conditionToFhir, dietToFhir, familyHistoryToFhir, patientToFhir, smokingStatusToFhir } from "@/lib/fhir/mapping";
import { fhirImportConfig } from "@/lib/fhir/config";
import { registerDemoModel } from "@/test/fhir/model";
import { fmt, machine, summarize } from "./stats";

const { values } = parseArgs({ options: { patients: { type: "string", default: "10000" }, group: { type: "string", default: "250" }, engine: { type: "string", default: "pglite" } } });
const n = Number(values.patients);
const group = Number(values.group);
console.log(`bench:fhir-import — ${machine()}`);
console.log(`engine ${values.engine}, ${n} patients, ${group} patients per transaction\n`);

// 1. the file, as another FHIR server would export it
const stamp = new Date().toISOString();
const lines: string[] = [];
for (let off = 0; off < n; off += 2000)
  for (const p of generateCohort({ n: Math.min(2000, n - off), seed: 11, offset: off })) {
    const pid = randomUUID();
    const base = { patientId: pid, createdAt: stamp, updatedAt: stamp };
    const conditions = p.conditions.map((c) => ({ ...c, ...base, id: randomUUID(), onsetDate: c.onsetDate ?? null }));
    lines.push(JSON.stringify(patientToFhir({ ...p.patient, id: pid, createdAt: stamp, updatedAt: stamp }, fhirImportConfig().mrnSystem)));
    for (const c of conditions) lines.push(JSON.stringify(conditionToFhir(c)));
    for (const f of p.familyHistory) lines.push(JSON.stringify(familyHistoryToFhir({ ...f, ...base, id: randomUUID(), ageAtOnset: f.ageAtOnset ?? null })));
    for (const d of p.dietRecords) lines.push(JSON.stringify(dietToFhir({ ...d, ...base, id: randomUUID(), note: d.note ?? null })));
    const smoking = smokingStatusToFhir(pid, conditions);
    if (smoking) lines.push(JSON.stringify(smoking));
  }
const file = join(mkdtempSync(join(tmpdir(), "fhir-bench-")), "patients.ndjson");
writeFileSync(file, lines.join("\n") + "\n");
console.log(`file ${file}: ${lines.length} resources, ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`);

// 2. the import
const e = values.engine === "postgres" ? await freshPostgres("bench_fhir") : await freshPglite();
const queue = await AssessmentQueue.open(e);
try {
  await registerDemoModel(e.prisma); // as a starting worker would: re-assessments are queued on the active model
  const ctx = { actor: null, request: { clientAddress: null, userAgent: null, source: "bench" }, queue };
  const t0 = performance.now();
  const plans = await planNdjson(readFileSync(file, "utf8"), ctx, group);
  const tCheck = performance.now() - t0;
  const perGroup: number[] = [];
  let patients = 0;
  for (const plan of plans) {
    const t = performance.now();
    patients += (await applyPlan(e.prisma, plan, ctx)).patients.length;
    perGroup.push(performance.now() - t);
  }
  const total = (performance.now() - t0) / 1000;
  const g = summarize(perGroup);
  console.log(`\nchecked every line in ${(tCheck / 1000).toFixed(1)} s; wrote ${patients} patients in ${plans.length} transactions`);
  console.log(`group transaction: median ${fmt(g.median)}, p95 ${fmt(g.p95)}`);
  console.log(`THROUGHPUT ${(patients / total).toFixed(0)} patients/s (${total.toFixed(1)} s for ${patients} patients, check + write)`);
  console.log(`\nreproduce: npm run bench:fhir-import -- --patients ${n} --group ${group} --engine ${values.engine}`);
} finally {
  await queue.stop();
  await e.drop();
}
