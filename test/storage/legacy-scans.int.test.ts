// A database written before the scan-file store (bytes in the Scan table) is migrated by the real
// `npm run db:migrate` (a child process, as `npm start` runs it): every row's bytes end up in the
// store, checksum-verified, the column emptied — and GET /api/scans/{id}/file serves the scan
// byte-identical afterwards. On PostgreSQL and the embedded PGlite, into the file store and into
// the postgres store. Plus: resumable after a crash, and nothing nulled before the store proved it
// holds the same bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTestDatabase } from "../support/pg-database";
import { apiRequest, ctx, makeUser, sessionFor } from "../support/auth-fixtures";
import { pydicomFile } from "../fixtures/pydicom";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { openPglite, pgConnection, pgliteConnection, type SqlConnection } from "@/lib/db/sql";
import { FileScanStore, PostgresScanStore, type ScanStore, type SqlQuery } from "@/lib/storage";
import { moveLegacyScanBytes } from "@/lib/storage/move-legacy";
import { checkScanFiles } from "@/lib/storage/check";
import { connectionBlobDatabase } from "@/lib/db/scan-store";
import { generatePatient, renderScan, scanToPng } from "@/models/fusion/cohort";

const STORE_MIGRATION = "20261202140000_scan_file_store";
const before = () => readMigrations().filter((m) => m.name < STORE_MIGRATION);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const run = promisify(execFile);

type Legacy = { id: string; bytes: Uint8Array; contentType: string; sha256: string };

/** Rows exactly as the code before the store wrote them: the bytes in "Scan"."bytes". */
async function insertOldLayout(conn: SqlConnection): Promise<{ good: Legacy[]; mismatched: Legacy }> {
  const patientId = randomUUID();
  await conn.query(`INSERT INTO "Patient" (id, mrn, "givenName", "familyName", "birthDate", sex, "updatedAt") VALUES ($1, 'OLD-1', 'Olga', 'Old', '1950-05-05', 'female', now())`, [patientId]);
  const ct = new Uint8Array(readFileSync(pydicomFile("CT_small.dcm")));
  const mr = new Uint8Array(readFileSync(pydicomFile("MR_small_RLE.dcm")));
  const png = scanToPng(renderScan(generatePatient(3, 0), { size: 64 }));
  const rows: [Uint8Array, string, Record<string, unknown>][] = [
    [ct, "application/dicom", { filename: "CT_small.dcm" }], // metadata without tags: the tag panel reads the file
    [mr, "application/dicom", { filename: "MR_small_RLE.dcm", tags: [{ tag: "(0010,0010)", keyword: "PatientName", vr: "PN", value: "stored at upload" }] }],
    [png, "image/png", { filename: "slice.png" }],
  ];
  const insert = async (bytes: Uint8Array, contentType: string, sha256: string, metadata: Record<string, unknown>) => {
    const id = randomUUID();
    await conn.query(
      `INSERT INTO "Scan" (id, "patientId", modality, rows, columns, frames, "contentType", "byteSize", sha256, bytes, metadata)
       VALUES ($1, $2, 'CT', 64, 64, 1, $3, $4, $5, $6, $7)`,
      [id, patientId, contentType, bytes.byteLength, sha256, Buffer.from(bytes), JSON.stringify(metadata)],
    );
    return { id, bytes, contentType, sha256 };
  };
  const good: Legacy[] = [];
  for (const [b, t, m] of rows) good.push(await insert(b, t, sha(b), m));
  // a row whose bytes do not hash to its own sha256 (damaged before the move): must be left alone
  const odd = new Uint8Array([9, 8, 7, 6, 5]);
  const mismatched = await insert(odd, "application/dicom", "f".repeat(64), {});
  return { good, mismatched };
}

type Combo = { engine: "postgres" | "pglite"; store: "file" | "postgres" };
const combos: Combo[] = [
  { engine: "postgres", store: "file" },
  { engine: "pglite", store: "file" },
  { engine: "postgres", store: "postgres" },
  { engine: "pglite", store: "postgres" },
];

describe.each(combos)("old layout on $engine → db:migrate → $store store", ({ engine, store: storeKind }) => {
  const work = mkdtempSync(join(tmpdir(), "fcds-legacy-"));
  const env: NodeJS.ProcessEnv = { ...process.env, FUSION_SCAN_STORE: storeKind, FUSION_SCAN_STORE_DIR: join(work, "scans") };
  let dropPg: (() => Promise<void>) | null = null;
  let rows: { good: Legacy[]; mismatched: Legacy };
  let migrateOut: { stdout: string; stderr: string };
  const saved = { url: process.env.DATABASE_URL, dataDir: process.env.FUSION_DATA_DIR, kind: process.env.FUSION_SCAN_STORE, dir: process.env.FUSION_SCAN_STORE_DIR };

  beforeAll(async () => {
    if (engine === "postgres") {
      const db = await createTestDatabase("legacy", { migrate: false });
      dropPg = db.drop;
      env.DATABASE_URL = db.url;
      delete env.FUSION_DATA_DIR;
      const conn = await pgConnection(db.url);
      try {
        await migrate(conn, before());
        rows = await insertOldLayout(conn);
      } finally {
        await conn.close();
      }
    } else {
      delete env.DATABASE_URL;
      env.FUSION_DATA_DIR = work;
      const pg = await openPglite(join(work, "pglite"));
      try {
        const conn = pgliteConnection(pg);
        await migrate(conn, before());
        rows = await insertOldLayout(conn);
      } finally {
        await pg.close();
      }
    }
    // the real command, in its own process, as `npm start` runs it
    migrateOut = await run(join(process.cwd(), "node_modules", ".bin", "tsx"), ["scripts/db-migrate.ts"], { env, cwd: process.cwd() });
    // the app in this process now opens the same database and store
    for (const k of ["DATABASE_URL", "FUSION_DATA_DIR", "FUSION_SCAN_STORE", "FUSION_SCAN_STORE_DIR"] as const) {
      if (env[k] === undefined) delete process.env[k];
      else process.env[k] = env[k];
    }
  }, 240_000);

  afterAll(async () => {
    const g = globalThis as { __fusionDb?: Promise<{ close(): Promise<void> }> };
    if (g.__fusionDb) await (await g.__fusionDb).close();
    g.__fusionDb = undefined;
    await dropPg?.();
    rmSync(work, { recursive: true, force: true });
    const restore = (k: string, v: string | undefined) => (v === undefined ? delete process.env[k] : (process.env[k] = v));
    restore("DATABASE_URL", saved.url);
    restore("FUSION_DATA_DIR", saved.dataDir);
    restore("FUSION_SCAN_STORE", saved.kind);
    restore("FUSION_SCAN_STORE_DIR", saved.dir);
  });

  it("db:migrate applies the migration, moves every good row into the store, verified, and leaves the damaged one", async () => {
    expect(migrateOut.stdout).toContain(`applying ${STORE_MIGRATION}`);
    expect(migrateOut.stdout).toMatch(/3 scan file\(s\) moved/);
    expect(migrateOut.stderr).toMatch(/1 scan\(s\) keep their bytes in the Scan table/);
    const { prisma } = await import("@/lib/db/client");
    const { scanStoreFor } = await import("@/lib/db/scan-store");
    const db = await prisma();
    const store: ScanStore = scanStoreFor(db);
    expect(store.kind).toBe(storeKind);
    for (const r of rows.good) {
      const row = await db.scan.findUniqueOrThrow({ where: { id: r.id }, select: { storageKey: true, bytes: true, sha256: true } });
      expect(row.bytes).toBeNull();
      expect(row.storageKey).toBe(r.sha256);
      expect(await store.verify(r.sha256)).toMatchObject({ ok: true, size: r.bytes.byteLength });
    }
    const odd = await db.scan.findUniqueOrThrow({ where: { id: rows.mismatched.id }, select: { storageKey: true, bytes: true } });
    expect(odd.storageKey).toBeNull();
    expect([...odd.bytes!]).toEqual([...rows.mismatched.bytes]);
  });

  it("GET /api/scans/{id}/file serves every scan byte-identical (the damaged one still from the table); tags and preview work", async () => {
    const { prisma } = await import("@/lib/db/client");
    const db = await prisma();
    const cred = await sessionFor(db, (await makeUser(db, "clinician")).id);
    const { GET: file } = await import("@/app/api/scans/[id]/file/route");
    for (const r of [...rows.good, rows.mismatched]) {
      const res = await file(apiRequest("GET", `/api/scans/${r.id}/file`, { cred }), ctx({ id: r.id }));
      expect(res.status).toBe(200);
      const got = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.compare(Buffer.from(got), Buffer.from(r.bytes))).toBe(0);
      expect(res.headers.get("content-type")).toBe(r.contentType);
      expect(res.headers.get("content-length")).toBe(String(r.bytes.byteLength));
      expect(res.headers.get("etag")).toBe(`"${r.sha256}"`);
    }
    const { GET: tags } = await import("@/app/api/scans/[id]/tags/route");
    const [ct, mr] = rows.good;
    const ctTags = (await (await tags(apiRequest("GET", `/api/scans/${ct.id}/tags`, { cred }), ctx({ id: ct.id }))).json()).tags as { keyword: string }[];
    expect(ctTags.some((t) => t.keyword === "PatientName")).toBe(true); // read from the moved file
    const mrTags = (await (await tags(apiRequest("GET", `/api/scans/${mr.id}/tags`, { cred }), ctx({ id: mr.id }))).json()).tags;
    expect(mrTags).toEqual([{ tag: "(0010,0010)", keyword: "PatientName", vr: "PN", value: "stored at upload" }]); // saved at upload, not re-parsed
    const { GET: preview } = await import("@/app/api/scans/[id]/preview/route");
    const p = await preview(apiRequest("GET", `/api/scans/${ct.id}/preview`, { cred }), ctx({ id: ct.id }));
    expect(p.status).toBe(200);
    expect(p.headers.get("content-type")).toBe("image/png");
  }, 60_000);
});

describe("moving old rows: resumable, and nothing emptied before the store proved it has the bytes", () => {
  let conn: SqlConnection;
  let drop: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), "fcds-legacy-resume-"));
  beforeAll(async () => {
    const db = await createTestDatabase("legacy_resume", { migrate: false });
    drop = db.drop;
    conn = await pgConnection(db.url);
    await migrate(conn, before());
    await insertOldLayout(conn);
    await migrate(conn);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });
  const withBytes = async () => (await conn.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Scan" WHERE bytes IS NOT NULL`))[0].n;

  it("a store that hands back different bytes stops the move with the row untouched", async () => {
    const real = new FileScanStore(join(dir, "a"));
    const lying: ScanStore = Object.assign(Object.create(real), {
      put: async (b: Uint8Array) => {
        const r = await real.put(b);
        writeFileSync(real.pathOf(r.key), "not the scan"); // the disk returns something else
        return r;
      },
    });
    await expect(moveLegacyScanBytes((s, p) => conn.query(s, p), lying)).rejects.toThrow(/returned different bytes/);
    expect(await withBytes()).toBe(4);
  });

  it("a run that dies half-way leaves each row moved or untouched; the next run finishes; a third changes nothing", async () => {
    const real = new PostgresScanStore(connectionBlobDatabase(conn), join(dir, "staging"));
    let puts = 0;
    const dying: ScanStore = Object.assign(Object.create(real), {
      put: async (b: Uint8Array) => {
        if (++puts === 2) throw new Error("power cut");
        return real.put(b);
      },
    });
    await expect(moveLegacyScanBytes((s, p) => conn.query(s, p), dying, { batchSize: 1 })).rejects.toThrow(/power cut/);
    expect(await withBytes()).toBe(3); // one moved, the rest untouched
    const again = await moveLegacyScanBytes((s, p) => conn.query(s, p), real, { batchSize: 1 });
    expect(again.moved).toBe(2);
    expect(again.remaining).toBe(1); // the damaged row
    expect(again.mismatched.map((m) => m.actualSize)).toEqual([5]);
    const third = await moveLegacyScanBytes((s, p) => conn.query(s, p), real);
    expect(third.moved).toBe(0);
    const moved = await conn.query<{ storageKey: string; sha256: string }>(`SELECT "storageKey", sha256 FROM "Scan" WHERE bytes IS NULL`);
    expect(moved).toHaveLength(3);
    for (const m of moved) {
      expect(m.storageKey).toBe(m.sha256);
      expect((await real.verify(m.storageKey)).ok).toBe(true);
    }
  });

  it("scans:verify's check re-reads every referenced file: a changed chunk and a missing blob are reported, the rest pass", async () => {
    const store = new PostgresScanStore(connectionBlobDatabase(conn), join(dir, "staging"));
    const q: SqlQuery = (s, p) => conn.query(s, p);
    expect(await checkScanFiles(q, store)).toEqual({ checked: 3, problems: [] });
    const keys = (await conn.query<{ storageKey: string }>(`SELECT "storageKey" FROM "Scan" WHERE "storageKey" IS NOT NULL ORDER BY id`)).map((r) => r.storageKey);
    await conn.query(`UPDATE "ScanBlobChunk" SET data = set_byte(data, 0, (get_byte(data, 0) + 1) % 256) WHERE key = $1 AND seq = 0`, [keys[0]]);
    await conn.query(`DELETE FROM "ScanBlob" WHERE key = $1`, [keys[1]]);
    const r = await checkScanFiles(q, store);
    expect(r.checked).toBe(3);
    expect(r.problems.map((p) => [p.storageKey, p.problem]).sort()).toEqual([[keys[0], "checksum"], [keys[1], "missing"]].sort());
  });
});
