// One contract, every scan-store backend: the file store, and the postgres store on a real
// PostgreSQL server and on the embedded PGlite. What an upload, a reader and the sweep rely on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { engines, type TestEngine } from "../support/engines";
import { FileScanStore, PostgresScanStore, CHUNK_BYTES, BlobNotFoundError, type ScanStore } from "@/lib/storage";
import { prismaBlobDatabase, prismaSql, scanReferences } from "@/lib/db/scan-store";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const bytesOf = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 9)) & 0xff);
const eq = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
async function drain(s: Readable): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return new Uint8Array(Buffer.concat(parts));
}

type Backend = { name: string; open(): Promise<{ store: ScanStore; e: TestEngine; staging: string; done(): Promise<void> }> };
const backends: Backend[] = [
  ...engines.map(([engine, make]): Backend => ({
    name: `file store (rows on ${engine})`,
    async open() {
      const e = await make();
      const dir = mkdtempSync(join(tmpdir(), "fcds-store-"));
      return { store: new FileScanStore(dir), e, staging: join(dir, ".tmp"), done: async () => (await e.drop(), rmSync(dir, { recursive: true, force: true })) };
    },
  })),
  ...engines.map(([engine, make]): Backend => ({
    name: `postgres store on ${engine}`,
    async open() {
      const e = await make();
      const dir = mkdtempSync(join(tmpdir(), "fcds-staging-"));
      return { store: new PostgresScanStore(prismaBlobDatabase(e.prisma), dir), e, staging: dir, done: async () => (await e.drop(), rmSync(dir, { recursive: true, force: true })) };
    },
  })),
];

describe.each(backends)("$name", (backend) => {
  let store: ScanStore;
  let e: TestEngine;
  let staging: string;
  let done: () => Promise<void>;
  beforeAll(async () => {
    ({ store, e, staging, done } = await backend.open());
  }, 180_000);
  afterAll(async () => done?.());

  it("put → key = sha256, get/getBytes return the same bytes (several chunks), idempotent for the same bytes", async () => {
    const b = bytesOf(CHUNK_BYTES * 2 + 12345);
    const r = await store.put(b);
    expect(r).toEqual({ key: sha(b), size: b.byteLength, created: true });
    expect(eq(await store.getBytes(r.key), b)).toBe(true);
    expect(eq(await drain(await store.get(r.key)), b)).toBe(true);
    expect(await store.put(Readable.from([Buffer.from(b)]))).toEqual({ key: r.key, size: b.byteLength, created: false });
    expect(await store.verify(r.key)).toEqual({ ok: true, key: r.key, sha256: r.key, size: b.byteLength });
    expect(await store.has(r.key)).toBe(true);
    expect((await store.stat(r.key))?.size).toBe(b.byteLength);
    const listed: string[] = [];
    for await (const f of store.list()) listed.push(f.key);
    expect(listed).toContain(r.key);
  });

  it("empty files, and a missing key is BlobNotFoundError before any byte", async () => {
    const r = await store.put(new Uint8Array(0));
    expect((await store.getBytes(r.key)).byteLength).toBe(0);
    const missing = sha(bytesOf(7, 99));
    await expect(store.get(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.getBytes(missing)).rejects.toMatchObject({ status: 500, code: "scan_file_missing" });
    expect(await store.stat(missing)).toBeNull();
    expect(await store.delete(missing)).toBe(false);
  });

  it("stage → nothing stored until commit; commit inside a database transaction that rolls back leaves the database store untouched", async () => {
    const b = bytesOf(CHUNK_BYTES + 10, 2);
    const staged = await store.stage(Readable.from([Buffer.from(b.subarray(0, 4096)), Buffer.from(b.subarray(4096))]), { maxBytes: b.byteLength });
    expect(staged.sha256).toBe(sha(b));
    expect(await store.has(staged.key)).toBe(false);
    expect(eq(await staged.readBytes(), b)).toBe(true);
    const rolledBack = e.prisma.$transaction(async (tx) => {
      await staged.commit({ sql: prismaSql(tx) });
      throw new Error("the upload's transaction fails after its file was committed");
    });
    await expect(rolledBack).rejects.toThrow(/transaction fails/);
    await staged.discard();
    expect(readdirSync(staging).filter((n) => n.endsWith(".part"))).toEqual([]);
    // The postgres store commits with the rows: rolled back, gone. The file store renamed it into
    // place already: an orphan, which the sweep collects (next test).
    expect(await store.has(staged.key)).toBe(store.kind === "file");
  });

  it("sweep removes only old unreferenced files: a Scan row's file stays, a fresh file stays", async () => {
    const [p] = await e.prisma.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO "Patient" (id, mrn, "givenName", "familyName", "birthDate", sex, "updatedAt") VALUES (gen_random_uuid(), 'SWEEP-1', 'A', 'B', '1970-01-01', 'female', now()) RETURNING id::text`,
    );
    const referenced = await store.put(bytesOf(1000, 3));
    await e.prisma.scan.create({ data: { patientId: p.id, modality: "CT", rows: 1, columns: 1, contentType: "application/dicom", byteSize: 1000, sha256: referenced.key, storageKey: referenced.key } });
    const orphan = await store.put(bytesOf(1000, 4));
    const fresh = await store.put(bytesOf(1000, 5));
    // everything written so far counts as old except `fresh`
    const cutoff = new Date(((await store.stat(fresh.key))!.touchedAt.getTime() - 1));
    if (store instanceof FileScanStore) {
      const { utimesSync } = await import("node:fs");
      const t = new Date(cutoff.getTime() - 3600_000);
      for await (const f of store.list()) if (f.key !== fresh.key) utimesSync(store.pathOf(f.key), t, t);
    } else await e.prisma.$executeRawUnsafe(`UPDATE "ScanBlob" SET "touchedAt" = $1 WHERE "key" <> $2`, new Date(cutoff.getTime() - 3600_000), fresh.key);
    const r = await store.sweep({ olderThan: cutoff, isReferenced: scanReferences(prismaSql(e.prisma)) });
    expect(r.removed).toContain(orphan.key);
    expect(r.removed).not.toContain(referenced.key);
    expect(r.removed).not.toContain(fresh.key);
    expect(await store.has(orphan.key)).toBe(false);
    expect((await store.verify(referenced.key)).ok).toBe(true);
    expect(await store.has(fresh.key)).toBe(true);
  });

  it("delete removes one file (maintenance only)", async () => {
    const r = await store.put(bytesOf(10, 6));
    expect(await store.delete(r.key)).toBe(true);
    expect(await store.has(r.key)).toBe(false);
  });
});
