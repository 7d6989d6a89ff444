// npm run bench:cds [-- --calls 200 --engine pglite|postgres]
// CDS Hooks patient-view server time, record-only (goal: p95 ≤ 232 ms): a signed ES384 JWT
// verified against a trusted EHR's inline JWKS, jti recorded, prefetch mapped, the served model
// scoring in-process with explanations, the audit row — lib/fhir/cds/service.ts patientView, the
// function behind POST /cds-services/fusion-risk, timed from call to cards.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { freshPglite, freshPostgres } from "@/test/support/engines";
import { patientView, type PatientViewTimings } from "@/lib/fhir/cds/service";
import { getDefaultModel, currentBackend } from "@/lib/fusion";
import { generateCohort } from "@/models/fusion/cohort";
import { conditionToFhir, dietToFhir, familyHistoryToFhir, patientToFhir } from "@/lib/fhir/mapping";
import { fmt, machine, summarize } from "./stats";

const { values } = parseArgs({ options: { calls: { type: "string", default: "200" }, engine: { type: "string", default: "pglite" } } });
const calls = Number(values.calls);
const BASE = "http://127.0.0.1:3000";
console.log(`bench:cds — ${machine()}`);

const e = values.engine === "postgres" ? await freshPostgres("bench_cds") : await freshPglite();
try {
  const pair = await generateKeyPair("ES384");
  await e.prisma.trustedEhr.create({ data: { name: "Bench EHR", issuer: "bench-ehr", jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k", alg: "ES384" }] } } });
  await getDefaultModel();
  console.log(`engine ${values.engine}, backend ${currentBackend()}, ${calls} calls\n`);
  const stamp = new Date().toISOString();
  const cohort = generateCohort({ n: 50, seed: 3, offset: 0 });
  const bodies = cohort.map((p) => {
    const pid = randomUUID();
    const base = { patientId: pid, createdAt: stamp, updatedAt: stamp };
    const bundle = (rs: unknown[]) => ({ resourceType: "Bundle", type: "searchset", entry: rs.map((resource) => ({ resource })) });
    return {
      hook: "patient-view",
      hookInstance: randomUUID(),
      context: { userId: "Practitioner/1", patientId: pid },
      prefetch: {
        patient: patientToFhir({ ...p.patient, id: pid, createdAt: stamp, updatedAt: stamp }, "urn:other-ehr:mrn"),
        conditions: bundle(p.conditions.map((c) => conditionToFhir({ ...c, ...base, id: randomUUID(), onsetDate: c.onsetDate ?? null }))),
        familyHistory: bundle(p.familyHistory.map((f) => familyHistoryToFhir({ ...f, ...base, id: randomUUID(), ageAtOnset: f.ageAtOnset ?? null }))),
        observations: bundle(p.dietRecords.map((d) => dietToFhir({ ...d, ...base, id: randomUUID(), note: null }))),
      },
    };
  });
  const sign = () =>
    new SignJWT({}).setProtectedHeader({ alg: "ES384", kid: "k" }).setIssuer("bench-ehr").setAudience(`${BASE}/cds-services/fusion-risk`).setIssuedAt().setExpirationTime("5m").setJti(randomUUID()).sign(pair.privateKey);
  const run = async (i: number, timings: PatientViewTimings) => {
    const token = await sign(); // the EHR's work, outside the server time
    const t = performance.now();
    await patientView(e.prisma, { serviceId: "fusion-risk", authorization: `Bearer ${token}`, body: async () => bodies[i % bodies.length], headers: new Headers() }, BASE, timings);
    return performance.now() - t;
  };
  for (let i = 0; i < 10; i++) await run(i, {}); // warm-up
  const total: number[] = [];
  const stages: Record<string, number[]> = {};
  for (let i = 0; i < calls; i++) {
    const timings: PatientViewTimings = {};
    total.push(await run(i, timings));
    for (const [k, v] of Object.entries(timings)) (stages[k] ??= []).push(v);
  }
  const s = summarize(total);
  for (const [k, v] of Object.entries(stages)) {
    const x = summarize(v);
    console.log(`  ${k.padEnd(6)} median ${fmt(x.median)}  p95 ${fmt(x.p95)}`);
  }
  console.log(`\nSERVER TIME median ${fmt(s.median)}, p95 ${fmt(s.p95)} (goal p95 ≤ 232 ms: ${s.p95 <= 232 ? "met" : "NOT met"})`);
  console.log(`\nreproduce: npm run bench:cds -- --calls ${calls} --engine ${values.engine}`);
} finally {
  await e.drop();
}
