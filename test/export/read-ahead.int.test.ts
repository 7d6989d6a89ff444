// Read-ahead: while one page is awaited and encoded, the next `readAhead` pages are already being
// read — and never more than that (the stream stays pull-based), and the file is the same.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { parseOrThrow } from "@/lib/domain/validate";
import { ExportQuery } from "@/lib/export/query";
import { openExport } from "@/lib/export/stream";
import { closeExportPools, pgliteQueryable, pgQueryable } from "@/lib/export/source";
import type { Queryable } from "@/lib/export/sql";
import { readAll, seedFixture } from "./fixture";

const env = { NODE_ENV: "test", FUSION_EXPORT_SECRET: "r".repeat(40) } as NodeJS.ProcessEnv;
const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };

/** A reader whose page queries wait at a gate until the test opens it; counts them. */
function gated(inner: Queryable) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const state = { pageQueries: 0, open };
  const q: Queryable = {
    $queryRawUnsafe: (async (sql: string, ...p: unknown[]) => {
      if (/AS "embFused"/.test(sql)) {
        state.pageQueries++;
        await gate;
      }
      return (inner.$queryRawUnsafe as (s: string, ...x: unknown[]) => Promise<unknown>)(sql, ...p);
    }) as Queryable["$queryRawUnsafe"],
  };
  return { q, state };
}

async function until(cond: () => boolean, what: string) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each(engines)("export read-ahead on %s", (_name, make) => {
  let eng: TestEngine;
  let sql: Queryable;
  beforeAll(async () => {
    eng = await make();
    sql = eng.kind === "postgres" ? pgQueryable(eng.url!) : pgliteQueryable(eng.pglite!);
    await seedFixture(eng.prisma);
  });
  afterAll(async () => {
    await closeExportPools();
    await eng?.drop();
  });

  it.each([1, 2])("readAhead %i: that many next pages are requested while the first is still awaited, no more; same bytes", async (readAhead) => {
    const q = parseOrThrow(ExportQuery, { format: "csv", columns: "scores", header: "0" });
    const plain = await readAll((await openExport(q, { db: eng.prisma, sql, actor: null, request, env, pageSize: 3 })).stream);
    const { q: reader, state } = gated(sql);
    const x = await openExport(q, { db: eng.prisma, sql: reader, actor: null, request, env, pageSize: 3, readAhead });
    const body = readAll(x.stream);
    // page 1 is held at the gate: its next pages must be requested all the same
    await until(() => state.pageQueries >= 1 + readAhead, `${1 + readAhead} page queries`);
    await new Promise((r) => setTimeout(r, 100));
    expect(state.pageQueries).toBe(1 + readAhead);
    state.open();
    expect((await body).equals(plain)).toBe(true);
    expect((await x.done).complete).toBe(true);
  });
});
