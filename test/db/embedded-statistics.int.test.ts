// Issue 16: PGlite has no autovacuum, so without this nothing gathered planner statistics.
import { afterEach, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, type DbHandle } from "@/lib/db/client";
import { analyzeIntervalMs, analyzeWhereNeeded } from "@/lib/db/embedded-statistics";
import { migrate } from "@/lib/db/migrate";
import { pgliteConnection } from "@/lib/db/sql";

let handle: DbHandle | undefined;
let dir = "";
const after: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of after.splice(0)) await f();
  await handle?.close();
  handle = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function lastAnalyze(db: PGlite, table: string): Promise<Date | null> {
  await db.exec("SELECT pg_stat_clear_snapshot()");
  const { rows } = await db.query<{ t: Date | null }>(`SELECT last_analyze AS t FROM pg_stat_user_tables WHERE relname = $1`, [table]);
  return rows[0]?.t ?? null;
}

describe("embedded database statistics", () => {
  it("analyses never-analysed tables, then only a table where more than 50 + 10% of its rows changed", async () => {
    const db = await PGlite.create(); // in memory, no timer of its own: each check is this test's
    after.push(() => db.close());
    await db.exec(`CREATE TABLE bench_t (id int PRIMARY KEY, v text); INSERT INTO bench_t SELECT g, 'v' || g FROM generate_series(1, 1000) g;`);
    const first = await analyzeWhereNeeded(db);
    expect(first.tables).toContain("public.bench_t");
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'bench_t'`);
    expect(rows[0].n).toBeGreaterThan(0); // the planner now has column statistics
    const at = await lastAnalyze(db, "bench_t");
    expect(at).not.toBeNull();

    // 100 changes on 1000 rows: under the threshold (150) → left alone
    await db.exec(`UPDATE bench_t SET v = v || '!' WHERE id <= 100`);
    expect((await analyzeWhereNeeded(db)).tables).not.toContain("public.bench_t");
    // 300 more: over it → analysed again
    await db.exec(`UPDATE bench_t SET v = v || '!' WHERE id > 100 AND id <= 400`);
    expect((await analyzeWhereNeeded(db)).tables).toContain("public.bench_t");
    expect((await lastAnalyze(db, "bench_t"))!.getTime()).toBeGreaterThanOrEqual(at!.getTime());
  });

  it("the database analyses itself when it opens: a migrated, seeded folder has statistics after a reopen", async () => {
    dir = mkdtempSync(join(tmpdir(), "fcds-stats-"));
    const cfg = { kind: "embedded" as const, dataDir: join(dir, "pglite") };
    handle = await createDb(cfg);
    await migrate(pgliteConnection(handle.pglite!));
    await handle.pglite!.exec(`INSERT INTO "Patient" (id, mrn, "givenName", "familyName", "birthDate", sex, "updatedAt") SELECT gen_random_uuid(), 'S-' || g, 'A', 'B', DATE '1960-01-01', 'female', now() FROM generate_series(1, 500) g`);
    await handle.close();
    handle = await createDb(cfg);
    await expect.poll(async () => lastAnalyze(handle!.pglite!, "Patient"), { timeout: 20_000 }).not.toBeNull();
  });

  it("FUSION_EMBEDDED_ANALYZE_MINUTES: minutes, 0 = never, anything else refused", () => {
    expect(analyzeIntervalMs({})).toBe(300_000);
    expect(analyzeIntervalMs({ FUSION_EMBEDDED_ANALYZE_MINUTES: "0" })).toBe(0);
    expect(() => analyzeIntervalMs({ FUSION_EMBEDDED_ANALYZE_MINUTES: "soon" })).toThrow(/FUSION_EMBEDDED_ANALYZE_MINUTES/);
  });
});
