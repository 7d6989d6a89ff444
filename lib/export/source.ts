/**
 * Where the export reads from: the raw driver of the running database, not the Prisma client —
 * the pages are plain SQL, and skipping Prisma's result mapping saves about a third of the
 * per-row read cost. PostgreSQL: a small pool of its own (4 connections: two pages read ahead, a boundary query,
 * record look-ups); embedded PGlite: its single connection. Any `Queryable` works (tests
 * and the bench pass Prisma or their own pool).
 */
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import type { DbHandle } from "@/lib/db/client";
import { databaseConfig } from "@/lib/db/config";
import type { Queryable } from "./sql";
import { processGlobals } from "@/lib/platform/process-globals";

const g = processGlobals<{ __fusionExportPools?: Map<string, pg.Pool> }>();

export function pgQueryable(url: string): Queryable {
  g.__fusionExportPools ??= new Map();
  let pool = g.__fusionExportPools.get(url);
  if (!pool) {
    pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 30_000 });
    pool.on("error", (e) => console.error("[export] idle PostgreSQL client error:", e.message));
    g.__fusionExportPools.set(url, pool);
  }
  const p = pool;
  return { $queryRawUnsafe: (async (sql: string, ...params: unknown[]) => (await p.query(sql, params)).rows) as Queryable["$queryRawUnsafe"] };
}

export function pgliteQueryable(db: PGlite): Queryable {
  return { $queryRawUnsafe: (async (sql: string, ...params: unknown[]) => (await db.query(sql, params as never[])).rows) as Queryable["$queryRawUnsafe"] };
}

/** The fast reader for the app's database handle (falls back to Prisma). */
export function exportSource(h: DbHandle): Queryable {
  if (h.kind === "embedded" && h.pglite) return pgliteQueryable(h.pglite);
  const cfg = databaseConfig();
  if (h.kind === "postgres" && cfg.kind === "postgres") return pgQueryable(cfg.url);
  return h.prisma;
}

/** Closes the export pools (tests, CLI). */
export async function closeExportPools(): Promise<void> {
  const pools = g.__fusionExportPools;
  if (!pools) return;
  g.__fusionExportPools = undefined;
  await Promise.all([...pools.values()].map((p) => p.end()));
}
