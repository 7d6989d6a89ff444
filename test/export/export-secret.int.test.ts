// Research export works out of the box (issue 10, Medium 12), on PostgreSQL and on the embedded
// database, through the real route handlers and the real CLI: in production without
// FUSION_EXPORT_SECRET the first export makes a secret in the data directory (0600) instead of
// answering 503, later exports — and another process — use the same one; and every failed export
// attempt (401, 403, 400, 422, 503) leaves one export.refused row.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { engines, type TestEngine } from "../support/engines";
import type * as Fixtures from "../support/auth-fixtures";
import { deriveKeys, patientPseudonym } from "@/lib/export/pseudonym";
import { parseCsv, seedFixture, type Fixture } from "./fixture";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = { params: Promise.resolve({}) } as never;
const g = globalThis as { __fusionDb?: Promise<unknown> };
const KEYS = ["DATABASE_URL", "FUSION_EXPORT_SECRET", "FUSION_MIN_CELL_SIZE", "FUSION_DATA_DIR", "NODE_ENV"] as const;

describe.each(engines)("export secret and refused exports on %s", (_name, make) => {
  let eng: TestEngine;
  let fx: Fixture;
  let af: typeof Fixtures;
  let researcher: Fixtures.Cred;
  let clinician: Fixtures.Cred;
  let exportGet: Handler;
  let countGet: Handler;
  let dataDir: string;
  const env = process.env as Record<string, string | undefined>;
  const saved = { db: g.__fusionDb, env: Object.fromEntries(KEYS.map((k) => [k, env[k]])) };

  beforeAll(async () => {
    eng = await make();
    g.__fusionDb = Promise.resolve(eng);
    if (eng.url) env.DATABASE_URL = eng.url;
    else delete env.DATABASE_URL;
    // the server's data directory: for the embedded database the folder that holds it (as in
    // production: data/pglite and data/export-secret side by side), for PostgreSQL a folder of its own
    dataDir = eng.kind === "embedded" ? dirname(eng.pglite!.dataDir!) : join(mkdtempSync(join(tmpdir(), "fcds-export-secret-")), "data");
    env.FUSION_DATA_DIR = dataDir;
    delete env.FUSION_EXPORT_SECRET;
    delete env.FUSION_MIN_CELL_SIZE;
    env.NODE_ENV = "production";
    af = await import("../support/auth-fixtures");
    exportGet = (await import("@/app/api/export/route")).GET;
    countGet = (await import("@/app/api/export/count/route")).GET;
    fx = await seedFixture(eng.prisma, { n: 24 });
    researcher = await af.sessionFor(eng.prisma, (await af.makeUser(eng.prisma, "researcher")).id);
    clinician = await af.sessionFor(eng.prisma, (await af.makeUser(eng.prisma, "clinician")).id);
  }, 120_000);

  afterAll(async () => {
    await (await import("@/lib/export/source")).closeExportPools();
    g.__fusionDb = saved.db;
    for (const k of KEYS)
      if (saved.env[k] === undefined) delete env[k];
      else env[k] = saved.env[k];
    await eng?.drop();
    if (dataDir && eng?.kind === "postgres") rmSync(dirname(dataDir), { recursive: true, force: true });
  });

  const get = (h: Handler, path: string, cred: Fixtures.Cred | null) => h(af.apiRequest("GET", path, { cred }), noParams);
  const secretFile = () => join(dataDir, "export-secret");
  const pseudonymsUnder = (secret: string) => new Set(fx.patients.map((p) => patientPseudonym(deriveKeys(secret), p.id)));
  const csvPseudonyms = (text: string) => {
    const [header, ...rows] = parseCsv(text);
    const i = header.indexOf("patient_pseudonym");
    return new Set(rows.map((r) => r[i]));
  };
  const refused = () => eng.prisma.auditEvent.findMany({ where: { action: "export.refused" }, orderBy: { id: "asc" } });

  it("production without FUSION_EXPORT_SECRET: the first export makes the secret in the data directory (0600) and succeeds; the next ones use it", async () => {
    expect(() => statSync(secretFile())).toThrow(); // not there before the first export
    const first = await get(exportGet, "/api/export?format=csv&columns=scores", researcher);
    expect(first.status, await first.clone().text()).toBe(200);
    const a = csvPseudonyms(await first.text());
    const secret = readFileSync(secretFile(), "utf8").trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(secretFile()).mode & 0o777).toBe(0o600);
    // the pseudonyms are the HMAC under that file's secret, for every patient of the cohort
    expect(a).toEqual(pseudonymsUnder(secret));
    const again = await get(exportGet, "/api/export?format=csv&columns=scores", researcher);
    expect(csvPseudonyms(await again.text())).toEqual(a);
    expect(readFileSync(secretFile(), "utf8").trim()).toBe(secret);
    const made = await eng.prisma.auditEvent.findMany({ where: { action: "export.secret.create" } });
    expect(made.length).toBe(1);
    expect(made[0].details).toMatchObject({ path: secretFile() });
  });

  it("every failed attempt leaves one export.refused row: 401, 403, 400 (export and count), 422, 503", async () => {
    const before = (await refused()).length;
    const anon = await get(exportGet, "/api/export?format=csv", null);
    expect(anon.status).toBe(401);
    const denied = await get(exportGet, "/api/export?format=csv", clinician);
    expect(denied.status).toBe(403);
    const bad = await get(exportGet, "/api/export?condition=banana", researcher);
    expect(bad.status).toBe(400);
    const nul = await get(exportGet, "/api/export?condition=%00I10", researcher);
    expect(nul.status).toBe(400);
    const badCount = await get(countGet, "/api/export/count?agemin=40", researcher);
    expect(badCount.status).toBe(400);
    const small = await get(exportGet, "/api/export?format=csv&ageMin=90", researcher);
    expect(small.status).toBe(422);
    env.FUSION_MIN_CELL_SIZE = "many";
    try {
      expect((await get(exportGet, "/api/export?format=csv", researcher)).status).toBe(503);
    } finally {
      delete env.FUSION_MIN_CELL_SIZE;
    }
    const rows = (await refused()).slice(before);
    const seen = rows.map((r) => {
      const d = r.details as { reason: string; status: number; endpoint?: string };
      return [d.status, d.reason, d.endpoint ?? "openExport", r.outcome, r.role];
    });
    // each once, where the most is known: the route wrapper (401, 403, parameters it parses) or
    // openExport (code terms it resolves, the small cell with the cohort's size, its configuration)
    expect(seen).toEqual([
      [401, "unauthenticated", "export", "denied", null],
      [403, "forbidden", "export", "denied", null],
      [400, "validation_failed", "openExport", "failure", "researcher"],
      // a NUL is refused while the parameters are parsed (lib/domain text rule), before openExport
      [400, "validation_failed", "export", "failure", "researcher"],
      [400, "validation_failed", "count", "failure", "researcher"],
      [422, "cohort_too_small", "openExport", "denied", "researcher"],
      [503, "export_not_configured", "openExport", "failure", "researcher"],
    ]);
    expect(JSON.stringify(rows[3].details)).not.toContain("\\u0000"); // a NUL in a parameter is cleaned, not a lost audit row
    expect(rows[5].details).toMatchObject({ cohortPatients: 1, minCellSize: 11 });
    expect(rows.every((r) => r.clientAddress !== undefined && r.source === "api")).toBe(true);
    // the 403 is also the generic access denial, with the user
    expect(await eng.prisma.auditEvent.count({ where: { action: "access.denied", details: { path: ["path"], equals: "/api/export" } } })).toBeGreaterThan(0);
  });

  // last: on the embedded database the CLI needs the data directory to itself
  it("kept across restarts: the export CLI, another process, uses the same secret; its refusals are audited too", async () => {
    const secret = readFileSync(secretFile(), "utf8").trim();
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", FUSION_DATA_DIR: dataDir };
    delete cliEnv.FUSION_EXPORT_SECRET;
    if (eng.kind === "postgres") cliEnv.DATABASE_URL = eng.url;
    else {
      delete cliEnv.DATABASE_URL;
      await eng.close();
    }
    const out = join(tmpdir(), `fcds-export-secret-${process.pid}-${eng.kind}.csv`);
    const cli = (args: string[]) => spawnSync(join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/export.ts", "--out", out, "--by", "secret-test", ...args], { env: cliEnv, encoding: "utf8" });
    try {
      const ok = cli(["--format", "csv", "--columns", "scores"]);
      expect(ok.status, ok.stderr).toBe(0);
      expect(csvPseudonyms(readFileSync(out, "utf8"))).toEqual(pseudonymsUnder(secret));
      const bad = cli(["--sex", "sometimes"]);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/validation_failed/);
    } finally {
      for (const f of [out, `${out}.dictionary.json`, `${out}.dictionary.md`]) rmSync(f, { force: true });
    }
    expect(readFileSync(secretFile(), "utf8").trim()).toBe(secret);
    const q = `SELECT action, outcome::text AS outcome, details->>'reason' AS reason FROM "AuditEvent" WHERE username = 'cli:secret-test' ORDER BY id`;
    let rows: { action: string; outcome: string; reason: string | null }[];
    if (eng.kind === "embedded") {
      const { openPglite } = await import("@/lib/db/sql");
      const db = await openPglite(eng.pglite!.dataDir!);
      rows = (await db.query<(typeof rows)[number]>(q)).rows;
      await db.close();
    } else rows = await eng.prisma.$queryRawUnsafe(q);
    expect(rows).toEqual([
      { action: "export.start", outcome: "success", reason: null },
      { action: "export.create", outcome: "success", reason: null },
      { action: "export.refused", outcome: "failure", reason: "validation_failed" },
    ]);
  }, 120_000);
});
