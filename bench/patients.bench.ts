// npm run bench:patients [-- --patients 10000 --iterations 200 --engine postgres|pglite]
// Server time of GET /api/patients?q=… (zod, session check, indexed search + count, audit row) at a
// seeded cohort size, calling the real route handler in-process against a fresh database.
import { parseArgs } from "node:util";
import { createSession } from "@/lib/auth/sessions";
import { freshPostgres, freshPglite } from "@/test/support/engines";
import { seedPatients } from "@/lib/db/seed-cohort";
import { generateCohort } from "@/models/fusion/cohort";
import { summarize, fmt, machine } from "./stats";

const { values } = parseArgs({
  options: {
    patients: { type: "string", default: "10000" },
    iterations: { type: "string", default: "200" },
    engine: { type: "string", default: "postgres" },
  },
});
const n = Number(values.patients);
const iterations = Number(values.iterations);

console.log(`bench:patients — ${machine()}`);
console.log(`engine ${values.engine}, ${n} patients, ${iterations} requests per query\n`);
const e = values.engine === "pglite" ? await freshPglite() : await freshPostgres("bench");
try {
  if (e.url) process.env.DATABASE_URL = e.url;
  else {
    // Route handlers use the process-wide handle: point it at this engine.
    (globalThis as { __fusionDb?: Promise<unknown> }).__fusionDb = Promise.resolve(e);
  }
  const t0 = performance.now();
  for (let off = 0; off < n; off += 2000) await seedPatients(e.prisma, generateCohort({ n: Math.min(2000, n - off), seed: 7, offset: off }));
  if (e.kind === "postgres") await e.prisma.$executeRawUnsafe("ANALYZE");
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const user = await e.prisma.user.create({
    data: { username: "bench.clinician", displayName: "Bench", role: "clinician", passwordHash: "x" },
  });
  const { token } = await createSession(e.prisma, user.id, { clientAddress: "127.0.0.1", userAgent: "bench", source: "bench" });
  const { GET } = await import("@/app/api/patients/route");
  const queries = ["", "smith", "maria", "DEMO-0001", "maria garcia", "zzzz-nobody"];
  const all: number[] = [];
  console.log("query".padEnd(16), "total".padStart(7), "median".padStart(10), "p95".padStart(10));
  for (const q of queries) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < iterations + 10; i++) {
      const req = new Request(`http://bench/api/patients?q=${encodeURIComponent(q)}&page=${1 + (i % 3)}`, {
        headers: { cookie: `fcds_session=${token}` },
      });
      const t = performance.now();
      const res = await GET(req, { params: Promise.resolve({}) } as never);
      const body = await res.json();
      const dt = performance.now() - t;
      if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(body)}`);
      total = body.total;
      if (i >= 10) times.push(dt); // first 10 warm up
    }
    all.push(...times);
    const s = summarize(times);
    console.log(JSON.stringify(q).padEnd(16), String(total).padStart(7), fmt(s.median).padStart(10), fmt(s.p95).padStart(10));
  }
  const s = summarize(all);
  console.log(`\nall queries: median ${fmt(s.median)}, p95 ${fmt(s.p95)} (n=${s.n})`);
  console.log(`reproduce: npm run bench:patients -- --patients ${n} --iterations ${iterations} --engine ${values.engine}`);
} finally {
  await e.drop();
}
