// The measuring side of `npm run bench:export`, in a process of its own that loads only what a
// server needs for an export: lib/export, the `pg` pool it reads through and a Prisma client for
// the audit rows (no seeding code, no test support). It runs the exports the parent asks for and
// prints one JSON line per (set, format). Not meant to be run by hand (see export.bench.ts).
//
// Measured here, per run: first byte and total time from openExport() to the last byte, Node CPU
// time of this process (all threads: GC, pg, tsx's loader), CPU time of the PostgreSQL backends
// serving this database (from /proc, same machine), and per format the peak RSS of this process
// (the kernel's high-water mark VmHWM, reset before the format's first run — no sampling gaps).
import { readFileSync, writeFileSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { parseOrThrow } from "@/lib/domain/validate";
import { ExportQuery } from "@/lib/export/query";
import { openExport, type ExportContext } from "@/lib/export/stream";
import { closeExportPools, pgQueryable } from "@/lib/export/source";

export type ServeJob = { url: string; rows: number; runs: number; sets: Record<string, string>; formats: string[]; pageSize?: number; rowGroupSize?: number; readAhead?: number };
export type ServeResult = {
  set: string;
  format: string;
  columns: number;
  bytes: number;
  firstByteMs: number[];
  firstRowsMs: number[];
  totalMs: number[];
  nodeCpuMs: number[];
  pgCpuMs: number[];
  rssBeforeMb: number;
  peakRssMb: number;
};

const job = JSON.parse(process.argv[2]) as ServeJob;
const kb = (field: string) => Number(readFileSync("/proc/self/status", "utf8").match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? NaN);
const TICK_MS = 10; // USER_HZ 100 on Linux

const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: job.url, max: 2 }) });
const sql = pgQueryable(job.url);
const request = { clientAddress: null, userAgent: "bench", source: "bench" };

/** CPU ticks of every PostgreSQL backend connected to this database, by pid. */
async function backendTicks(): Promise<Map<number, number>> {
  const rows = await sql.$queryRawUnsafe<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      out.set(pid, Number(f[11]) + Number(f[12])); // utime + stime (fields 14, 15)
    } catch {
      // another host or no permission: PG CPU is then reported as 0
    }
  }
  return out;
}

async function exportOnce(query: Record<string, string>, ctx: Partial<ExportContext> = {}) {
  const s = performance.now();
  const x = await openExport(parseOrThrow(ExportQuery, query), { db: prisma, sql, actor: null, username: "bench", request, pageSize: job.pageSize, rowGroupSize: job.rowGroupSize, readAhead: job.readAhead, ...ctx });
  const reader = x.stream.getReader();
  let bytes = 0;
  let first = -1;
  let firstRows = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (first < 0) first = performance.now() - s;
    bytes += value.byteLength;
    // "first rows": first chunk past the CSV header / Parquet magic
    if (firstRows < 0 && bytes > 4096) firstRows = performance.now() - s;
  }
  const summary = await x.done;
  return { x, bytes, first, firstRows, total: performance.now() - s, summary };
}

try {
  for (const [set, columns] of Object.entries(job.sets)) {
    for (const format of job.formats) {
      // warm up (JIT, Prisma's query compiler, pool connections) as a running server would be
      await exportOnce({ format, columns, limit: "2000" });
      const rssBeforeMb = kb("VmRSS") / 1024;
      writeFileSync("/proc/self/clear_refs", "5"); // VmHWM := current RSS
      const r: ServeResult = { set, format, columns: 0, bytes: 0, firstByteMs: [], firstRowsMs: [], totalMs: [], nodeCpuMs: [], pgCpuMs: [], rssBeforeMb, peakRssMb: 0 };
      for (let i = 0; i < job.runs; i++) {
        const pg0 = await backendTicks();
        const c0 = process.cpuUsage();
        const o = await exportOnce({ format, columns });
        const c = process.cpuUsage(c0);
        const pg1 = await backendTicks();
        if (o.summary.rows !== job.rows) throw new Error(`expected ${job.rows} rows, got ${o.summary.rows}`);
        let pgTicks = 0;
        for (const [pid, t] of pg1) pgTicks += t - (pg0.get(pid) ?? 0);
        r.columns = o.x.columns.length;
        r.bytes = o.bytes;
        r.firstByteMs.push(o.first);
        r.firstRowsMs.push(o.firstRows);
        r.totalMs.push(o.total);
        r.nodeCpuMs.push((c.user + c.system) / 1000);
        r.pgCpuMs.push(pgTicks * TICK_MS);
      }
      r.peakRssMb = kb("VmHWM") / 1024;
      console.log(JSON.stringify(r));
    }
  }
} finally {
  await closeExportPools();
  await prisma.$disconnect();
}
