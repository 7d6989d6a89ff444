// Small cells (issue 10, Medium 8) through the real route handlers and the real CLI, on PostgreSQL
// and on the embedded database: a cohort with fewer distinct patients than FUSION_MIN_CELL_SIZE
// (default 11) is counted as "<11", cannot be exported (422 cohort_too_small, CLI exit code 3,
// audited export.refused), and nothing else in the count or dictionary answers — or in any header —
// tells a cohort of 0, 1 or 10 patients apart.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { engines, type TestEngine } from "../support/engines";
import type * as Fixtures from "../support/auth-fixtures";
import { seedFixture, type Fixture } from "./fixture";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = { params: Promise.resolve({}) } as never;
const g = globalThis as { __fusionDb?: Promise<unknown> };

describe.each(engines)("small cells on %s", (_name, make) => {
  let eng: TestEngine;
  let fx: Fixture;
  let af: typeof Fixtures;
  let researcher: Fixtures.Cred;
  let exportGet: Handler;
  let countGet: Handler;
  let dictGet: Handler;
  const saved = { db: g.__fusionDb, url: process.env.DATABASE_URL, secret: process.env.FUSION_EXPORT_SECRET, min: process.env.FUSION_MIN_CELL_SIZE };

  beforeAll(async () => {
    eng = await make();
    // the route handlers use this engine (getDb() returns the process's one handle)
    g.__fusionDb = Promise.resolve(eng);
    if (eng.url) process.env.DATABASE_URL = eng.url;
    else delete process.env.DATABASE_URL;
    process.env.FUSION_EXPORT_SECRET = "s".repeat(40);
    delete process.env.FUSION_MIN_CELL_SIZE;
    af = await import("../support/auth-fixtures");
    exportGet = (await import("@/app/api/export/route")).GET;
    countGet = (await import("@/app/api/export/count/route")).GET;
    dictGet = (await import("@/app/api/export/dictionary/route")).GET;
    fx = await seedFixture(eng.prisma, { n: 24 });
    researcher = await af.sessionFor(eng.prisma, (await af.makeUser(eng.prisma, "researcher")).id);
  }, 120_000);

  afterAll(async () => {
    await (await import("@/lib/export/source")).closeExportPools();
    g.__fusionDb = saved.db;
    for (const [k, v] of [["DATABASE_URL", saved.url], ["FUSION_EXPORT_SECRET", saved.secret], ["FUSION_MIN_CELL_SIZE", saved.min]] as const)
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await eng?.drop();
  });

  const get = (h: Handler, path: string) => h(af.apiRequest("GET", path, { cred: researcher }), noParams);
  const patientsOf = (pred: (a: Fixture["assessments"][number]) => boolean) => new Set(fx.assessments.filter(pred).map((a) => a.patientId)).size;
  const noCountHeaders = (res: Response) => expect([...res.headers.keys()].filter((k) => k.startsWith("x-export"))).toEqual([]);
  // three cohorts under 11 patients: none, one (the fixture's 90+ patient), several
  const SMALL: [string, string, () => number][] = [
    ["0 patients", "condition=Z99.89", () => 0],
    ["1 patient", "ageMin=90", () => 1],
    ["a few patients", "modality=MR&strategy=late", () => patientsOf((a) => a.modality === "MR" && a.strategy === "late")],
  ];

  it("the fixture gives the cohorts the test needs", () => {
    expect(fx.patients.filter((p) => p.birthDate === "1931-02-03").length).toBe(1);
    const few = SMALL[2][2]();
    expect(few).toBeGreaterThan(1);
    expect(few).toBeLessThan(11);
    expect(fx.patients.length).toBeGreaterThanOrEqual(11);
  });

  it("count: a cohort of 11 or more shows its figures; under 11 shows \"<11\" and nothing that depends on it — the same answer for 0, 1 or 10 patients", async () => {
    const all = await get(countGet, "/api/export/count?columns=scores,fused_embedding");
    expect(all.status).toBe(200);
    expect(await all.json()).toMatchObject({ assessments: fx.assessments.length, patients: fx.patients.length, exportable: true, minCellSize: 11, heads: ["lung_cancer_2y", "mace_5y"], dims: { fused: 64 } });
    const answers: string[] = [];
    for (const [label, query] of SMALL) {
      const res = await get(countGet, `/api/export/count?columns=scores,fused_embedding&${query}`);
      expect(res.status, label).toBe(200);
      noCountHeaders(res);
      const body = await res.json();
      expect(body, label).toEqual({ assessments: "<11", patients: "<11", exportable: false, minCellSize: 11, models: [], heads: [], dims: { image: 0, tabular: 0, fused: 0 }, columns: 8 });
      answers.push(JSON.stringify(body));
    }
    expect(new Set(answers).size).toBe(1);
    // the exact figures are in the audit trail (administrators), not in the answer
    const ev = await eng.prisma.auditEvent.findFirst({ where: { action: "export.count", details: { path: ["filters", "ageMin"], equals: 90 } } });
    expect(ev?.details).toMatchObject({ patients: 1, exportable: false, minCellSize: 11 });
  });

  it("export: a cohort under 11 patients is refused (422 cohort_too_small, no count in the answer or its headers) and audited as export.refused", async () => {
    for (const [label, query, n] of SMALL) {
      for (const format of ["csv", "parquet", "ndjson"]) {
        const res = await get(exportGet, `/api/export?format=${format}&${query}`);
        expect(res.status, `${label} ${format}`).toBe(422);
        noCountHeaders(res);
        expect(res.headers.get("content-disposition")).toBeNull();
        const body = await res.json();
        expect(body.error).toMatchObject({ code: "cohort_too_small", details: { minCellSize: 11 } });
        expect(body.error.message).toMatch(/fewer than 11 patients/);
        // the answer names the threshold, never the cohort's size
        expect(JSON.stringify(body).replace(/\b11\b/g, ""), label).not.toMatch(new RegExp(`\\b${n()}\\b`));
      }
      const ev = await eng.prisma.auditEvent.findFirst({ where: { action: "export.refused", details: { path: ["reason"], equals: "cohort_too_small" } }, orderBy: { id: "desc" } });
      expect(ev, label).toMatchObject({ outcome: "denied", role: "researcher", source: "api" });
      expect(ev!.details).toMatchObject({ minCellSize: 11, cohortPatients: n() });
    }
    // no export.start for a refused export: nothing was sent
    expect(await eng.prisma.auditEvent.count({ where: { action: "export.start", details: { path: ["filters", "ageMin"], equals: 90 } } })).toBe(0);
    // 11 or more: exported, with the (non-small) cohort size in the headers
    const ok = await get(exportGet, "/api/export?format=csv&columns=scores");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("x-export-cohort-patients")).toBe(String(fx.patients.length));
    await ok.arrayBuffer();
  });

  it("dictionary: for a cohort under 11 it shows \"<11\", no models and only the fixed columns, whatever the size", async () => {
    const bodies: string[] = [];
    for (const [label, query] of SMALL) {
      const res = await get(dictGet, `/api/export/dictionary?as=json&columns=scores,fused_embedding&${query}`);
      expect(res.status, label).toBe(200);
      noCountHeaders(res);
      const d = await res.json();
      expect(d.cohort, label).toEqual({ assessments: "<11", patients: "<11", exportable: false, minCellSize: 11, models: [] });
      expect(d.columns.length).toBe(8);
      bodies.push(JSON.stringify({ ...d, generatedAt: null, filters: null }));
      const md = await (await get(dictGet, `/api/export/dictionary?as=md&${query}`)).text();
      expect(md).toMatch(/- Cohort: <11 assessments of <11 patients — fewer than 11 patients: too few to export/);
    }
    expect(new Set(bodies).size).toBe(1);
  });

  it("the threshold is configurable: FUSION_MIN_CELL_SIZE=30 makes the whole 24-patient fixture a small cell; a bad value is a 503", async () => {
    process.env.FUSION_MIN_CELL_SIZE = "30";
    try {
      expect(await (await get(countGet, "/api/export/count")).json()).toMatchObject({ patients: "<30", assessments: "<30", exportable: false, minCellSize: 30 });
      expect((await get(exportGet, "/api/export?format=csv")).status).toBe(422);
      process.env.FUSION_MIN_CELL_SIZE = "eleven";
      const bad = await get(countGet, "/api/export/count");
      expect(bad.status).toBe(503);
      expect((await bad.json()).error.message).toMatch(/FUSION_MIN_CELL_SIZE/);
    } finally {
      delete process.env.FUSION_MIN_CELL_SIZE;
    }
  });

  // last: on the embedded database the CLI needs the data directory to itself
  it("the CLI refuses a cohort under 11 patients with exit code 3, writes nothing and audits export.refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fcds-small-cells-cli-"));
    const env: NodeJS.ProcessEnv = { ...process.env, FUSION_EXPORT_SECRET: "c".repeat(40) };
    delete env.FUSION_MIN_CELL_SIZE;
    if (eng.kind === "postgres") env.DATABASE_URL = eng.url;
    else {
      delete env.DATABASE_URL;
      env.FUSION_DATA_DIR = dirname(eng.pglite!.dataDir!);
      await eng.close();
    }
    try {
      const out = join(dir, "small.csv");
      const cli = (args: string[]) => spawnSync(join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/export.ts", "--out", out, "--by", "small-cell-test", ...args], { env, encoding: "utf8" });
      const r = cli(["--age-min", "90"]);
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/export refused \(cohort_too_small\): .*fewer than 11 patients/);
      expect(existsSync(out) || existsSync(`${out}.partial`) || existsSync(`${out}.dictionary.json`)).toBe(false);
      const ok = cli([]);
      expect(ok.status, ok.stderr).toBe(0);
      expect(existsSync(out)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (eng.kind === "embedded") {
      const { openPglite } = await import("@/lib/db/sql");
      const db = await openPglite(eng.pglite!.dataDir!);
      const rows = (await db.query<{ outcome: string; details: Record<string, unknown> }>(`SELECT outcome::text AS outcome, details FROM "AuditEvent" WHERE action = 'export.refused' AND username = 'cli:small-cell-test'`)).rows;
      await db.close();
      expect(rows).toEqual([{ outcome: "denied", details: expect.objectContaining({ reason: "cohort_too_small", cohortPatients: 1 }) }]);
    } else {
      const ev = await eng.prisma.auditEvent.findMany({ where: { action: "export.refused", username: "cli:small-cell-test" } });
      expect(ev.map((e) => [e.outcome, e.source, (e.details as { cohortPatients: number }).cohortPatients])).toEqual([["denied", "cli", 1]]);
    }
  }, 120_000);
});
