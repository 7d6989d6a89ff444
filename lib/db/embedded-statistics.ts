/**
 * Table statistics for the embedded database. A PostgreSQL server's autovacuum daemon runs ANALYZE
 * when enough rows changed; PGlite runs no background processes, so nothing ever gathered statistics
 * and the planner guessed: at 100k patients the MRN search took 69 ms instead of 5.5 ms (issue 16).
 * The same rule as autovacuum (`autovacuum_analyze_threshold` 50 + `autovacuum_analyze_scale_factor`
 * 0.1 × rows): a table is analysed when it never was, or when more rows changed since than that.
 * Checked when the database opens and then every `FUSION_EMBEDDED_ANALYZE_MINUTES` (default 5, 0 = never)
 * on a timer that does not keep the process alive.
 */
import type { PGlite } from "@electric-sql/pglite";

const THRESHOLD = 50;
const SCALE = 0.1;

export type AnalyzeRun = { tables: string[]; ms: number };

/** ANALYZE every user table that needs it (see above); returns which were analysed. */
export async function analyzeWhereNeeded(db: Pick<PGlite, "query" | "exec">): Promise<AnalyzeRun> {
  const t0 = performance.now();
  // pg_stat counters reach the view lazily (at most once a second, when idle): flush this
  // process's pending counts, then read a fresh snapshot
  await db.exec("SELECT pg_stat_force_next_flush()");
  await db.exec("SELECT pg_stat_clear_snapshot()");
  const { rows } = await db.query<{ schema: string; name: string }>(
    `SELECT s.schemaname AS schema, s.relname AS name
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.last_analyze IS NULL AND s.last_autoanalyze IS NULL
         OR s.n_mod_since_analyze > $1 + $2 * greatest(c.reltuples, 0)
      ORDER BY 1, 2`,
    [THRESHOLD, SCALE],
  );
  for (const r of rows) await db.exec(`ANALYZE ${quoteIdent(r.schema)}.${quoteIdent(r.name)}`);
  return { tables: rows.map((r) => `${r.schema}.${r.name}`), ms: performance.now() - t0 };
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export function analyzeIntervalMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FUSION_EMBEDDED_ANALYZE_MINUTES?.trim();
  const minutes = raw ? Number(raw) : 5;
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error(`FUSION_EMBEDDED_ANALYZE_MINUTES must be a number of minutes ≥ 0 (0 = never), not "${raw}"`);
  return minutes * 60_000;
}

/**
 * Keeps statistics current for an open embedded database: a check now, then on a timer. Returns a
 * stop function (call it before closing the database). Failures are logged, never thrown: stale
 * statistics make queries slower, not wrong.
 */
export function keepStatistics(db: PGlite, intervalMs = analyzeIntervalMs()): () => void {
  if (intervalMs === 0) return () => {};
  let running: Promise<unknown> = Promise.resolve();
  const check = () => {
    running = running.then(() => analyzeWhereNeeded(db)).catch((e) => console.warn(`embedded database: ANALYZE failed: ${(e as Error).message}`));
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
