// The export routes through the real handlers and the real session gate (PostgreSQL).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "../support/pg-database";
import type * as Fixtures from "../support/auth-fixtures";
import { parseCsv, seedFixture, type Fixture } from "./fixture";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
let tdb: TestDatabase;
let db: PrismaClient;
let fx: Fixture;
let af: typeof Fixtures;
let exportGet: Handler;
let countGet: Handler;
let dictGet: Handler;
let researcher: Fixtures.Cred;
let clinician: Fixtures.Cred;
const noParams = { params: Promise.resolve({}) } as never;

beforeAll(async () => {
  tdb = await createTestDatabase("export_routes");
  process.env.DATABASE_URL = tdb.url;
  // an export secret of its own, so the export routes do not make one in ./data (lib/export/secret.ts)
  process.env.FUSION_EXPORT_SECRET ??= "routes-export-secret-xxxxxxxxxxxxxxxxxxx";
  // these cases export parts of a 12-patient fixture; the small-cell rule has its own tests
  process.env.FUSION_MIN_CELL_SIZE = "1";
  db = await (await import("@/lib/db/client")).prisma();
  af = await import("../support/auth-fixtures");
  exportGet = (await import("@/app/api/export/route")).GET;
  countGet = (await import("@/app/api/export/count/route")).GET;
  dictGet = (await import("@/app/api/export/dictionary/route")).GET;
  fx = await seedFixture(db, { n: 12 });
  researcher = await af.sessionFor(db, (await af.makeUser(db, "researcher")).id);
  clinician = await af.sessionFor(db, (await af.makeUser(db, "clinician")).id);
});

afterAll(async () => {
  delete process.env.FUSION_MIN_CELL_SIZE;
  await (await import("@/lib/export/source")).closeExportPools();
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await tdb?.drop();
});

const get = (h: Handler, path: string, cred: Fixtures.Cred | null) => h(af.apiRequest("GET", path, { cred }), noParams);

describe("export routes", () => {
  it.each([
    ["/api/export?format=csv", () => exportGet],
    ["/api/export/count", () => countGet],
    ["/api/export/dictionary?as=md", () => dictGet],
  ] as [string, () => Handler][])("%s: anonymous → 401, clinician → 403 (audited), researcher → 200", async (path, h) => {
    expect((await get(h(), path, null)).status).toBe(401);
    const denied = await get(h(), path, clinician);
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.code).toBe("forbidden");
    const res = await get(h(), path, researcher);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it("GET /api/export streams a CSV attachment with row-count headers and audits who, filters, rows and hash", async () => {
    const res = await get(exportGet, "/api/export?format=csv&columns=scores&sex=female", researcher);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="fusion-cds-export-\d{8}-\d{6}\.csv"$/);
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = Buffer.from(await res.arrayBuffer());
    const rows = parseCsv(body.toString("utf8")).slice(1);
    expect(rows.length).toBe(Number(res.headers.get("x-export-rows")));
    expect(rows.every((r) => r[5] === "female")).toBe(true);
    // the closing audit row is written before the stream ends
    const ev = await db.auditEvent.findFirst({ where: { action: "export.create" }, orderBy: { id: "desc" } });
    expect(ev).toMatchObject({ outcome: "success", role: "researcher", source: "api" });
    const d = ev!.details as Record<string, unknown>;
    expect(d).toMatchObject({ format: "csv", rows: rows.length, bytes: body.length, filters: { sex: ["female"] } });
    expect(d.sha256).toBe((await import("node:crypto")).createHash("sha256").update(body).digest("hex"));
  });

  it("count and dictionary describe the same cohort and columns as the export", async () => {
    const c = await (await get(countGet, "/api/export/count?modality=CT&columns=scores,fused_embedding", researcher)).json();
    const expected = fx.assessments.filter((a) => a.modality === "CT");
    expect(c).toMatchObject({ assessments: expected.length, patients: new Set(expected.map((a) => a.patientId)).size, heads: ["lung_cancer_2y", "mace_5y"], dims: { fused: 64 } });
    const dj = await (await get(dictGet, "/api/export/dictionary?as=json&modality=CT&columns=scores,fused_embedding", researcher)).json();
    expect(dj.columns.length).toBe(c.columns);
    expect(dj.columns[0]).toMatchObject({ name: "row_key", type: "string", deid: expect.any(String), source: expect.any(String) });
    expect(dj.columns.find((x: { name: string }) => x.name === "age_years")).toMatchObject({ type: "int32", unit: "years" });
    expect(dj.deidentification.join(" ")).toMatch(/Safe Harbor/);
    const md = await (await get(dictGet, "/api/export/dictionary?as=md&modality=CT", researcher)).text();
    expect(md).toMatch(/^# Fusion CDS research export — data dictionary/);
    expect(md).toMatch(/\| `fused_emb_063` \| double \|/);
  });

  it("invalid filters → 400 with the field named; unknown parameters are refused", async () => {
    const r1 = await get(exportGet, "/api/export?condition=banana", researcher);
    expect(r1.status).toBe(400);
    expect((await r1.json()).error.message).toMatch(/ICD-10/);
    const r2 = await get(countGet, "/api/export/count?agemin=40", researcher);
    expect(r2.status).toBe(400);
    expect((await r2.json()).error.message).toMatch(/agemin/);
  });

  it("production with a FUSION_EXPORT_SECRET shorter than 32 characters → 503 export_not_configured, not a 500 (unset: export-secret.int.test.ts)", async () => {
    const env = process.env as Record<string, string | undefined>;
    const saved = { NODE_ENV: env.NODE_ENV, FUSION_EXPORT_SECRET: env.FUSION_EXPORT_SECRET };
    env.NODE_ENV = "production";
    env.FUSION_EXPORT_SECRET = "too-short";
    try {
      const res = await get(exportGet, "/api/export?format=parquet", researcher);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.error.code).toBe("export_not_configured");
      expect(body.error.message).toMatch(/FUSION_EXPORT_SECRET is shorter than 32/);
    } finally {
      env.NODE_ENV = saved.NODE_ENV;
      env.FUSION_EXPORT_SECRET = saved.FUSION_EXPORT_SECRET;
    }
  });

  it("the CLI twin writes the file and its dictionary and audits the run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fcds-export-cli-"));
    try {
      const out = join(dir, "cohort.parquet");
      const r = spawnSync(join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/export.ts", "--format", "parquet", "--out", out, "--condition", "E11,I10", "--by", "batch-job"], {
        env: { ...process.env, DATABASE_URL: tdb.url, FUSION_EXPORT_SECRET: "c".repeat(40) },
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/sha256 [0-9a-f]{64}/);
      const bytes = readFileSync(out);
      expect(bytes.subarray(0, 4).toString()).toBe("PAR1");
      expect(existsSync(`${out}.dictionary.json`) && existsSync(`${out}.dictionary.md`)).toBe(true);
      const ev = await db.auditEvent.findFirst({ where: { action: "export.create", username: "cli:batch-job" } });
      expect(ev).toMatchObject({ outcome: "success", source: "cli" });
      expect((ev!.details as { sha256: string }).sha256).toBe((await import("node:crypto")).createHash("sha256").update(bytes).digest("hex"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
