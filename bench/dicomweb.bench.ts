// npm run bench:dicomweb [-- --instances 200 --size 512 --frames 50 --requests 200 --engine postgres|pglite]
// 1. Import throughput from a real PACS: Orthanc (started here on a free loopback port, temp
//    storage) holds one series of N CT instances (size × size, 16-bit) of one patient; the real
//    import use case (lib/dicomweb/pacs.ts: QIDO-RS listing, WADO-RS retrieval per instance, the
//    upload's inspection off-thread, Scan + assessment + job + audit in one transaction, the file
//    into the scan store) imports them: instances per second, end to end. Assessments are queued,
//    not run (the web tier's cost; the worker's is bench:assess).
// 2. WADO-RS frame latency: GET …/frames/{n} of a stored multi-frame instance through the real
//    route handler, as stored and as Explicit VR Little Endian: median and p95.
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSession } from "@/lib/auth/sessions";
import { freshPostgres, freshPglite } from "@/test/support/engines";
import { startOrthanc } from "@/test/support/orthanc";
import { ctInstance, uid } from "@/test/support/dicomweb-data";
import { registerServedModel } from "@/lib/db/model-registry";
import { summarize, fmt, machine } from "./stats";

const { values } = parseArgs({
  options: {
    instances: { type: "string", default: "200" },
    size: { type: "string", default: "512" },
    frames: { type: "string", default: "50" },
    requests: { type: "string", default: "200" },
    engine: { type: "string", default: "postgres" },
  },
});
const n = Number(values.instances);
const size = Number(values.size);
const nFrames = Number(values.frames);
const nRequests = Number(values.requests);

console.log(`bench:dicomweb — ${machine()}`);
const e = values.engine === "pglite" ? await freshPglite() : await freshPostgres("bench_dicomweb");
if (e.url) process.env.DATABASE_URL = e.url;
else (globalThis as { __fusionDb?: Promise<unknown> }).__fusionDb = Promise.resolve(e);
const scanDir = mkdtempSync(join(tmpdir(), "bench-dicomweb-scans-"));
process.env.FUSION_SCAN_STORE_DIR = scanDir;
process.env.FUSION_INPROCESS_WORKER = "0"; // queue only: this measures the import, not the model
const pacs = await startOrthanc();

try {
  const patient = { mrn: "BENCH-DW-1", familyName: "Bench", givenName: "Dicomweb", birthDate: "1960-01-01", sex: "female" as const };
  const p = await e.prisma.patient.create({ data: { mrn: patient.mrn, familyName: patient.familyName, givenName: patient.givenName, birthDate: new Date(patient.birthDate), sex: patient.sex } });
  await registerServedModel(e.prisma, { name: "bench", version: "1", strategy: "joint", heads: ["h"], inputSpec: {}, card: {}, metrics: {}, outcomes: [{ head: "h", label: "Bench", shortLabel: "B", categories: { moderateFrom: 0.1, highFrom: 0.3 } }] }, "bench");
  const user = await e.prisma.user.create({ data: { username: "bench.dw", displayName: "Bench", role: "clinician", passwordHash: "x" } });
  const { token, csrfToken, sessionId } = await createSession(e.prisma, user.id, { clientAddress: "127.0.0.1", userAgent: "bench", source: "bench" });
  const actor = { userId: user.id, username: user.username, displayName: "Bench", role: "clinician" as const, sessionId, csrfToken };
  const request = { clientAddress: "127.0.0.1", userAgent: "bench", source: "bench" };

  const study = uid("bench/study");
  const series = uid("bench/series");
  console.log(`Orthanc ${pacs.url}; uploading ${n} CT instances of ${size}×${size} to it …`);
  const files = Array.from({ length: n }, (_, i) => ctInstance({ patient, study, series, sop: uid(`bench/${i}`), instanceNumber: i + 1, rows: size, columns: size }));
  await pacs.upload(files);
  const { createSource } = await import("@/lib/dicomweb/sources");
  const source = await createSource(e.prisma, { name: "bench", baseUrl: pacs.dicomweb, authType: "none", timeoutMs: 60_000, enabled: true }, { actor, request });

  const { prepareImport } = await import("@/lib/dicomweb/pacs");
  const { assessmentQueue, stopJobRuntime } = await import("@/lib/jobs/runtime");
  const queue = await assessmentQueue();
  const { warmDecodePool } = await import("@/lib/dicom/off-thread");
  await warmDecodePool(); // a running server has its decode threads up
  const t0 = performance.now();
  const job = await prepareImport(e.prisma, queue, { patientId: p.id, sourceId: source.id, studyInstanceUid: study, seriesInstanceUids: [series] }, { actor, request });
  const tList = performance.now() - t0;
  const perInstance: number[] = [];
  let last = performance.now();
  const result = await job.run((pr) => {
    if (pr.done > 0) {
      const now = performance.now();
      perInstance.push(now - last);
      last = now;
    }
  });
  const total = performance.now() - t0;
  const s = summarize(perInstance);
  console.log(`\nimport from Orthanc: ${result.imported} of ${result.total} instances (${((files[0].byteLength * n) / 2 ** 20).toFixed(1)} MiB) in ${(total / 1000).toFixed(2)} s`);
  console.log(`  ${(result.imported / (total / 1000)).toFixed(1)} instances/s end to end (listing ${fmt(tList)}); per instance median ${fmt(s.median)}, p95 ${fmt(s.p95)}`);

  // WADO-RS frames of a multi-frame instance
  const mfSeries = uid("bench/mf-series");
  const mfSop = uid("bench/mf");
  const mf = ctInstance({ patient, study, series: mfSeries, sop: mfSop, frames: nFrames, rows: size, columns: size });
  const { ingestInstance } = await import("@/lib/dicomweb/ingest");
  const stored = await ingestInstance(e.prisma, queue, mf, { actor, request, via: "bench", target: { kind: "mrn" } });
  if (!stored.ok) throw new Error(`the multi-frame instance was not stored: ${stored.message}`);
  const { GET } = await import("@/app/dicomweb/studies/[study]/series/[series]/instances/[instance]/frames/[frames]/route");
  const headers = { cookie: `fcds_session=${token}; fcds_csrf=${csrfToken}`, host: "localhost:3000" };
  for (const [label, accept] of [
    ["as stored (transfer-syntax=*)", 'multipart/related; type="application/octet-stream"; transfer-syntax=*'],
    ["Explicit VR Little Endian", 'multipart/related; type="application/octet-stream"'],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < nRequests; i++) {
      const frame = (i % nFrames) + 1;
      const url = `http://localhost:3000/dicomweb/studies/${study}/series/${mfSeries}/instances/${mfSop}/frames/${frame}`;
      const t = performance.now();
      const res = await GET(new Request(url, { headers: { ...headers, accept } }), { params: Promise.resolve({ study, series: mfSeries, instance: mfSop, frames: String(frame) }) });
      const body = await res.arrayBuffer();
      times.push(performance.now() - t);
      if (res.status !== 200 || body.byteLength < size * size * 2) throw new Error(`frame ${frame}: HTTP ${res.status}, ${body.byteLength} bytes`);
    }
    const f = summarize(times.slice(5)); // the first few warm the decode thread
    console.log(`WADO-RS frame (${size}×${size}×16 bit of a ${nFrames}-frame instance, ${label}): median ${fmt(f.median)}, p95 ${fmt(f.p95)} over ${f.n} requests`);
  }
  await stopJobRuntime();
  console.log(`\nreproduce: npm run bench:dicomweb -- --instances ${n} --size ${size} --frames ${nFrames} --requests ${nRequests} --engine ${values.engine}`);
} finally {
  await pacs.stop();
  const { closeDecodePool } = await import("@/lib/dicom/off-thread");
  await closeDecodePool();
  await e.drop();
  rmSync(scanDir, { recursive: true, force: true });
}
process.exit(0);
