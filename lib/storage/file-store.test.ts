// The file backend of the scan store on a real folder: layout, modes, atomic writes, idempotency,
// streaming, verification, staging, and the sweep (never a referenced or recently touched file).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FileScanStore } from "./file-store";
import { BlobNotFoundError, BlobTooLargeError } from "./types";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const bytesOf = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);
const old = new Date(Date.now() - 48 * 3600_000);
const setTime = (p: string, t: Date) => utimesSync(p, t, t);

let root: string;
let store: FileScanStore;
beforeEach(() => {
  root = join(mkdtempSync(join(tmpdir(), "fcds-fstore-")), "scans");
  store = new FileScanStore(root);
});
afterEach(() => rmSync(join(root, ".."), { recursive: true, force: true }));

describe("put / get", () => {
  it("stores bytes under their sha256 at ab/cd/<sha256>, private (0700 folders, 0600 file), and reads them back", async () => {
    const b = bytesOf(70_000);
    const r = await store.put(b);
    expect(r).toEqual({ key: sha(b), size: b.byteLength, created: true });
    const p = join(root, r.key.slice(0, 2), r.key.slice(2, 4), r.key);
    expect(store.pathOf(r.key)).toBe(p);
    expect(Buffer.compare(readFileSync(p), Buffer.from(b))).toBe(0);
    expect(statSync(p).mode & 0o777).toBe(0o600);
    for (const d of [root, join(root, r.key.slice(0, 2)), join(root, r.key.slice(0, 2), r.key.slice(2, 4))]) expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(Buffer.compare(Buffer.from(await store.getBytes(r.key)), Buffer.from(b))).toBe(0);
    const chunks: Buffer[] = [];
    for await (const c of await store.get(r.key)) chunks.push(c as Buffer);
    expect(Buffer.compare(Buffer.concat(chunks), Buffer.from(b))).toBe(0);
    expect(await store.has(r.key)).toBe(true);
    expect((await store.stat(r.key))?.size).toBe(b.byteLength);
    expect(readdirSync(join(root, ".tmp"))).toEqual([]); // the temporary file became the stored one
  });

  it("is idempotent: the same bytes again (also as a stream) keep one file and report created: false", async () => {
    const b = bytesOf(5000);
    const first = await store.put(b);
    setTime(store.pathOf(first.key), old);
    const again = await store.put(Readable.from([Buffer.from(b.subarray(0, 1000)), Buffer.from(b.subarray(1000))]));
    expect(again).toEqual({ key: first.key, size: 5000, created: false });
    expect(statSync(store.pathOf(first.key)).mtime.getTime()).toBeGreaterThan(old.getTime()); // touched: fresh for the sweep
    expect([...(await collect(store.list()))].map((f) => f.key)).toEqual([first.key]);
  });

  it("an empty file is a file like any other", async () => {
    const r = await store.put(new Uint8Array(0));
    expect(r.key).toBe(sha(new Uint8Array(0)));
    expect((await store.getBytes(r.key)).byteLength).toBe(0);
  });

  it("a missing key is BlobNotFoundError (500 scan_file_missing) before any byte; a malformed key never becomes a path", async () => {
    const k = sha(bytesOf(3));
    await expect(store.get(k)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.getBytes(k)).rejects.toMatchObject({ status: 500, code: "scan_file_missing" });
    expect(await store.stat(k)).toBeNull();
    await expect(store.get("../../etc/passwd")).rejects.toThrow(/Not a scan-store key/);
    await expect(store.get(k.toUpperCase())).rejects.toThrow(/Not a scan-store key/);
  });

  it("verify recomputes the sha256 from disk: a file changed behind the store's back is reported", async () => {
    const b = bytesOf(4096);
    const { key } = await store.put(b);
    expect(await store.verify(key)).toEqual({ ok: true, key, sha256: key, size: 4096 });
    const p = store.pathOf(key);
    const damaged = Buffer.from(readFileSync(p));
    damaged[100] ^= 0xff;
    writeFileSync(p, damaged);
    const v = await store.verify(key);
    expect(v.ok).toBe(false);
    expect(v.sha256).toBe(sha(damaged));
  });

  it("a stored file whose size differs from new identical-key bytes is replaced, not kept (repairs a truncated copy)", async () => {
    const b = bytesOf(2000);
    const { key } = await store.put(b);
    writeFileSync(store.pathOf(key), Buffer.from(b.subarray(0, 100)));
    const r = await store.put(b);
    expect(r.created).toBe(true);
    expect((await store.verify(key)).ok).toBe(true);
  });
});

describe("stage", () => {
  it("writes the stream to a private temporary file, hashed; nothing is in the store until commit", async () => {
    const b = bytesOf(300_000, 3);
    const staged = await store.stage(Readable.from([Buffer.from(b.subarray(0, 65536)), Buffer.from(b.subarray(65536))]));
    expect(staged.sha256).toBe(sha(b));
    expect(staged.key).toBe(sha(b));
    expect(staged.size).toBe(b.byteLength);
    expect(await store.has(staged.key)).toBe(false);
    const tmp = readdirSync(join(root, ".tmp"));
    expect(tmp).toHaveLength(1);
    expect(statSync(join(root, ".tmp", tmp[0])).mode & 0o777).toBe(0o600);
    expect(Buffer.compare(Buffer.from(await staged.readBytes()), Buffer.from(b))).toBe(0);
    expect(await staged.commit()).toEqual({ key: staged.key, size: b.byteLength, created: true });
    expect(await store.has(staged.key)).toBe(true);
    await staged.discard(); // after commit: nothing to do, the stored file stays
    expect(await store.has(staged.key)).toBe(true);
    expect(readdirSync(join(root, ".tmp"))).toEqual([]);
  });

  it("discard removes the temporary file and leaves the store as it was", async () => {
    const staged = await store.stage(bytesOf(1000));
    await staged.discard();
    await staged.discard();
    expect(readdirSync(join(root, ".tmp"))).toEqual([]);
    expect(await collect(store.list())).toEqual([]);
    await expect(staged.commit()).rejects.toThrow(/already committed or discarded/);
  });

  it("a stream longer than maxBytes, or one that fails half-way, leaves no temporary file", async () => {
    await expect(store.stage(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), { maxBytes: 1000 })).rejects.toBeInstanceOf(BlobTooLargeError);
    const failing = new Readable({ read() {} });
    const p = store.stage(failing);
    failing.push(Buffer.alloc(100));
    setTimeout(() => failing.destroy(new Error("connection reset")), 20);
    await expect(p).rejects.toThrow(/connection reset/);
    expect(readdirSync(join(root, ".tmp"))).toEqual([]);
  });
});

describe("sweep", () => {
  const never = async () => false;

  it("removes an unreferenced file older than the grace period; keeps referenced and recent ones; dry run removes nothing", async () => {
    const orphan = await store.put(bytesOf(100, 1));
    const kept = await store.put(bytesOf(100, 2));
    const fresh = await store.put(bytesOf(100, 3));
    setTime(store.pathOf(orphan.key), old);
    setTime(store.pathOf(kept.key), old);
    const cutoff = new Date(Date.now() - 3600_000);
    const referenced = async (k: string) => k === kept.key;
    const dry = await store.sweep({ olderThan: cutoff, isReferenced: referenced, dryRun: true });
    expect(dry.removed).toEqual([orphan.key]);
    expect(await store.has(orphan.key)).toBe(true);
    const r = await store.sweep({ olderThan: cutoff, isReferenced: referenced });
    expect(r).toMatchObject({ examined: 3, kept: 2, removed: [orphan.key] });
    expect(await store.has(orphan.key)).toBe(false);
    expect(await store.has(kept.key)).toBe(true);
    expect(await store.has(fresh.key)).toBe(true);
    expect(readdirSync(join(root, ".trash"))).toEqual([]);
  });

  it("never loses a file an upload re-puts while the sweep looks at it (the race the grace period and the second check close)", async () => {
    const b = bytesOf(500, 9);
    const { key } = await store.put(b);
    setTime(store.pathOf(key), old);
    let asked = 0;
    // The first question comes while the file is in place and unreferenced; meanwhile an upload of
    // the same bytes re-puts it and commits its row (the second question then answers true).
    let committed = false;
    const r = await store.sweep({
      olderThan: new Date(Date.now() - 3600_000),
      isReferenced: async () => {
        asked++;
        if (!committed) {
          await store.put(b);
          committed = true;
          return false;
        }
        return true;
      },
    });
    expect(asked).toBeGreaterThanOrEqual(1);
    expect(r.removed).toEqual([]);
    expect((await store.verify(key)).ok).toBe(true);
  });

  it("a file taken out of place but then found referenced is put back", async () => {
    const { key } = await store.put(bytesOf(64, 5));
    setTime(store.pathOf(key), old);
    let n = 0;
    const r = await store.sweep({ olderThan: new Date(Date.now() - 3600_000), isReferenced: async () => n++ > 0 });
    expect(r.removed).toEqual([]);
    expect(await store.has(key)).toBe(true);
  });

  it("puts back what a dead sweep left in .trash, and removes stale temporary files of interrupted uploads", async () => {
    const { key } = await store.put(bytesOf(64, 6));
    mkdirSync(join(root, ".trash"), { recursive: true });
    renameSync(store.pathOf(key), join(root, ".trash", `${key}.dead`));
    writeFileSync(join(root, ".tmp", "x.part"), "half an upload");
    setTime(join(root, ".tmp", "x.part"), old);
    writeFileSync(join(root, ".tmp", "y.part"), "an upload in flight");
    const r = await store.sweep({ olderThan: new Date(Date.now() - 3600_000), isReferenced: never });
    expect(r.tempFilesRemoved).toBe(1);
    expect(existsSync(join(root, ".tmp", "y.part"))).toBe(true);
    expect(await store.has(key)).toBe(true); // restored (it is recent, so the sweep keeps it too)
  });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
