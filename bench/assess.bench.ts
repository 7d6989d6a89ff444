// npm run bench:assess [-- --iterations 60 --concurrent 50 --engine postgres|pglite --size 512 --store file|postgres]
// Upload of a 512×512 16-bit CT DICOM → assessment with explanations stored, end to end: the real
// upload route handler (multipart parse, DICOM parse + decode, transactional store + enqueue) and
// the real in-process worker (record load, preprocessing, joint-fusion model, explanations, store),
// against a fresh database. Then N concurrent uploads of distinct scans.
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSession } from "@/lib/auth/sessions";
import { freshPostgres, freshPglite } from "@/test/support/engines";
import { uploadRequest } from "@/test/support/multipart";
import { seedPatients } from "@/lib/db/seed-cohort";
import { generatePatient, renderScan, scanToDicom } from "@/models/fusion/cohort";
import { summarize, fmt, machine } from "./stats";

const { values } = parseArgs({
  options: {
    iterations: { type: "string", default: "60" },
    concurrent: { type: "string", default: "50" },
    engine: { type: "string", default: "postgres" },
    size: { type: "string", default: "512" },
    store: { type: "string", default: process.env.FUSION_SCAN_STORE ?? "file" },
  },
});
const iterations = Number(values.iterations);
const concurrent = Number(values.concurrent);
const size = Number(values.size);

console.log(`bench:assess — ${machine()}`);
const e = values.engine === "pglite" ? await freshPglite() : await freshPostgres("bench_assess");
if (e.url) process.env.DATABASE_URL = e.url;
else (globalThis as { __fusionDb?: Promise<unknown> }).__fusionDb = Promise.resolve(e);
process.env.FUSION_UPLOAD_LIMIT_BYTES ??= String(64 * 1024 * 1024);
// the scan-file store: a throwaway folder (files, or the postgres store's staging), removed at the end
process.env.FUSION_SCAN_STORE = values.store;
const scanDir = mkdtempSync(join(tmpdir(), "bench-assess-scans-"));
process.env.FUSION_SCAN_STORE_DIR = scanDir;
// the benchmark uploads as one user faster than the per-user limit allows (lib/auth/action-limit.ts)
process.env.FUSION_UPLOAD_LIMIT_PER_MINUTE ??= "1000000";

const { startInProcessWorker, stopJobRuntime } = await import("@/lib/jobs/runtime");
const { POST } = await import("@/app/api/patients/[id]/scans/route");

try {
  const nPatients = iterations + concurrent + 5;
  const cohort = Array.from({ length: nPatients }, (_, i) => generatePatient(11, i));
  await seedPatients(e.prisma, cohort);
  const ids = new Map((await e.prisma.patient.findMany({ select: { id: true, mrn: true } })).map((p) => [p.mrn, p.id]));
  const user = await e.prisma.user.create({ data: { username: "bench.clin", displayName: "Bench", role: "clinician", passwordHash: "x" } });
  const { token, csrfToken: csrf } = await createSession(e.prisma, user.id, { clientAddress: "127.0.0.1", userAgent: "bench", source: "bench" });
  const headers = { cookie: `fcds_session=${token}; fcds_csrf=${csrf}`, "x-csrf-token": csrf, origin: "http://localhost:3000", host: "localhost:3000" };

  const rt = await startInProcessWorker();
  if (!rt) throw new Error("bench:assess needs the in-process worker (FUSION_INPROCESS_WORKER must not be 0)");
  console.log(`engine ${e.kind}, scan store ${values.store}, model ${rt.assessor.model.name}@${rt.assessor.model.version} (${rt.assessor.model.strategy}) on ${rt.assessor.model.backend}, ${size}×${size} CT\n`);
  const waiters = new Map<string, (s: string) => void>();
  rt.worker.onEvent((ev) => {
    if (ev.status === "done" || ev.status === "failed") waiters.get(ev.assessmentId)?.(ev.status);
  });

  const files = cohort.map((p) => ({ p, bytes: scanToDicom(p, renderScan(p, { size })) }));
  console.log(`scan file size: ${(files[0].bytes.byteLength / 1024).toFixed(0)} KiB`);

  const uploadStages: Record<string, number[]> = {};
  async function uploadAndWait(k: number) {
    const { p, bytes } = files[k];
    const pid = ids.get(p.patient.mrn)!;
    const t0 = performance.now();
    const res = await POST(uploadRequest(`http://localhost:3000/api/patients/${pid}/scans`, { bytes, name: `${p.patient.mrn}.dcm` }, {}, headers), {
      params: Promise.resolve({ id: pid }),
    });
    const body = await res.json();
    if (res.status !== 201) throw new Error(`upload ${k}: ${res.status} ${JSON.stringify(body)}`);
    const tStored = performance.now();
    for (const m of (res.headers.get("server-timing") ?? "").matchAll(/(\w+);dur=([\d.]+)/g)) (uploadStages[m[1]] ??= []).push(Number(m[2]));
    const aid = body.assessment.id as string;
    const status = await new Promise<string>((resolve) => {
      waiters.set(aid, resolve);
      // it may already be done
      void e.prisma.assessment.findUnique({ where: { id: aid }, select: { status: true } }).then((a) => {
        if (a?.status === "done" || a?.status === "failed") resolve(a.status);
      });
    });
    const tDone = performance.now();
    waiters.delete(aid);
    if (status !== "done") throw new Error(`assessment ${aid} ${status}`);
    return { upload: tStored - t0, total: tDone - t0, aid };
  }

  // warm-up (model, codecs, query plans)
  for (let k = 0; k < 3; k++) await uploadAndWait(k);
  const totals: number[] = [];
  const uploads: number[] = [];
  const stageSamples: Record<string, number[]> = {};
  for (let k = 3; k < 3 + iterations; k++) {
    const r = await uploadAndWait(k);
    totals.push(r.total);
    uploads.push(r.upload);
    const a = await e.prisma.assessment.findUniqueOrThrow({ where: { id: r.aid }, select: { timings: true } });
    for (const [stage, ms] of Object.entries((a.timings ?? {}) as Record<string, number>)) (stageSamples[stage] ??= []).push(ms);
  }
  const t = summarize(totals);
  const u = summarize(uploads);
  console.log(`sequential, ${iterations} uploads: end to end median ${fmt(t.median)}, p95 ${fmt(t.p95)} (target p95 ≤ 232 ms)`);
  console.log(`  upload request (multipart + parse + decode + transactional store): median ${fmt(u.median)}, p95 ${fmt(u.p95)}`);
  for (const [stage, xs] of Object.entries(uploadStages)) {
    const s = summarize(xs.slice(3, 3 + iterations));
    console.log(`    ${stage.padEnd(14)} ${fmt(s.median).padStart(10)} ${fmt(s.p95).padStart(10)}`);
  }
  console.log("  worker stages (median / p95):");
  for (const [stage, xs] of Object.entries(stageSamples)) {
    const s = summarize(xs);
    console.log(`    ${stage.padEnd(14)} ${fmt(s.median).padStart(10)} ${fmt(s.p95).padStart(10)}`);
  }

  // concurrent burst of distinct scans
  const before = await e.prisma.scan.count();
  const t0 = performance.now();
  const burst = await Promise.all(Array.from({ length: concurrent }, (_, j) => uploadAndWait(3 + iterations + j)));
  const wall = performance.now() - t0;
  const b = summarize(burst.map((r) => r.total));
  const stored = (await e.prisma.scan.count()) - before;
  const done = await e.prisma.assessment.count({ where: { id: { in: burst.map((r) => r.aid) }, status: "done" } });
  console.log(`\n${concurrent} concurrent uploads: ${stored} scans stored, ${done} assessments done, wall ${fmt(wall)}; per upload end to end median ${fmt(b.median)}, p95 ${fmt(b.p95)}`);
  if (stored !== concurrent || done !== concurrent) throw new Error("some uploads were lost or not assessed");
  console.log(`\nreproduce: npm run bench:assess -- --iterations ${iterations} --concurrent ${concurrent} --engine ${values.engine} --size ${size} --store ${values.store}`);
} finally {
  await stopJobRuntime();
  await e.drop();
  rmSync(scanDir, { recursive: true, force: true });
}
