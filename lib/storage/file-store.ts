import { randomBytes } from "node:crypto";
import { createHash } from "node:crypto";
import { open, readdir, readFile, rename, stat, unlink, utimes, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { assertBlobKey, blobRelativePath, isBlobKey } from "./keys";
import { DIR_MODE, ensurePrivateDir, removeQuietly, removeStaleTempFiles, stagedFromTemp, writeTempFile, type TempFile } from "./staging";
import { BlobNotFoundError, type BlobSource, type BlobStat, type ScanStore, type StagedBlob, type StoredBlob, type SweepOptions, type SweepResult, type VerifyResult } from "./types";

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException)?.code === "ENOENT";

/**
 * Scan files as plain files under one folder (default `<FUSION_DATA_DIR>/scans`), named by their
 * SHA-256: `ab/cd/abcd…`. A write goes to a private temporary file in `<root>/.tmp` (same file
 * system), is fsynced, then renamed into place — a reader sees the whole file or none — and the
 * folder entry is fsynced too. Folders are 0700, files 0600. Files are never changed once written.
 */
export class FileScanStore implements ScanStore {
  readonly kind = "file" as const;
  private readonly tmpDir: string;
  private readonly trashDir: string;

  constructor(readonly root: string) {
    this.tmpDir = join(root, ".tmp");
    this.trashDir = join(root, ".trash");
  }

  get location() {
    return this.root;
  }

  /** The file a key is stored in. */
  pathOf(key: string): string {
    return join(this.root, blobRelativePath(key));
  }

  async put(source: BlobSource): Promise<StoredBlob> {
    const t = await writeTempFile(this.tmpDir, source);
    try {
      return await this.commitTemp(t);
    } finally {
      await removeQuietly(t.path);
    }
  }

  async stage(source: BlobSource, opts: { maxBytes?: number } = {}): Promise<StagedBlob> {
    const t = await writeTempFile(this.tmpDir, source, opts.maxBytes);
    return stagedFromTemp(t, (tf) => this.commitTemp(tf));
  }

  private async commitTemp(t: TempFile): Promise<StoredBlob> {
    const key = t.sha256;
    const final = this.pathOf(key);
    const existing = await stat(final).catch(() => null);
    if (existing?.isFile() && existing.size === t.size) {
      // The same bytes are already stored: keep that copy, and mark it fresh so a sweep running
      // now leaves it alone while the caller records its reference (see `sweep`).
      try {
        const now = new Date();
        await utimes(final, now, now);
        await removeQuietly(t.path);
        return { key, size: t.size, created: false };
      } catch (e) {
        if (!isMissing(e)) throw e; // swept a moment ago: store ours below
      }
    }
    const dir = dirname(final);
    const made = await mkdir(dir, { recursive: true, mode: DIR_MODE });
    await rename(t.path, final);
    // The rename is durable once the folder entry is: fsync the folder, and the new folders' parents.
    await fsyncDir(dir);
    if (made) {
      await fsyncDir(dirname(dir));
      await fsyncDir(this.root);
    }
    return { key, size: t.size, created: true };
  }

  async get(key: string): Promise<Readable> {
    try {
      const fh = await open(this.pathOf(key), "r");
      return fh.createReadStream({ autoClose: true });
    } catch (e) {
      if (isMissing(e)) throw new BlobNotFoundError(key, this.root);
      throw e;
    }
  }

  async getBytes(key: string): Promise<Uint8Array> {
    try {
      const b = await readFile(this.pathOf(key));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      if (isMissing(e)) throw new BlobNotFoundError(key, this.root);
      throw e;
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    const s = await stat(this.pathOf(key)).catch((e) => {
      if (isMissing(e)) return null;
      throw e;
    });
    return s ? { size: s.size, touchedAt: s.mtime } : null;
  }

  async has(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async verify(key: string): Promise<VerifyResult> {
    assertBlobKey(key);
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of await this.get(key)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).byteLength;
    }
    const sha256 = hash.digest("hex");
    return { ok: sha256 === key, key, sha256, size };
  }

  async *list(): AsyncIterable<BlobStat & { key: string }> {
    const hex2 = /^[0-9a-f]{2}$/;
    for (const a of (await readdirOrEmpty(this.root)).filter((n) => hex2.test(n)).sort())
      for (const b of (await readdirOrEmpty(join(this.root, a))).filter((n) => hex2.test(n)).sort())
        for (const name of (await readdirOrEmpty(join(this.root, a, b))).sort()) {
          if (!isBlobKey(name) || !name.startsWith(a + b)) continue;
          const s = await this.stat(name);
          if (s) yield { key: name, ...s };
        }
  }

  /**
   * Removes unreferenced files older than the grace period. Race-free against an upload that
   * re-puts the same bytes at the same moment: an upload always touches (or re-creates) the file
   * before it commits its row, and the sweep takes a candidate out of place by an atomic rename,
   * then looks at its time and the database once more — a file touched in between is put back.
   * A sweep that dies half-way leaves the file in `.trash`; the next sweep puts it back first.
   */
  async sweep(opts: SweepOptions): Promise<SweepResult> {
    const tempFilesRemoved = await removeStaleTempFiles(this.tmpDir, opts.olderThan, opts.dryRun);
    if (!opts.dryRun) await this.restoreTrash();
    const result: SweepResult = { examined: 0, removed: [], kept: 0, tempFilesRemoved };
    for await (const f of this.list()) {
      result.examined++;
      if (f.touchedAt >= opts.olderThan || (await opts.isReferenced(f.key))) {
        result.kept++;
        continue;
      }
      if (opts.dryRun) {
        result.removed.push(f.key);
        continue;
      }
      await ensurePrivateDir(this.trashDir);
      const final = this.pathOf(f.key);
      const held = join(this.trashDir, `${f.key}.${randomBytes(4).toString("hex")}`);
      try {
        await rename(final, held);
      } catch (e) {
        if (isMissing(e)) continue;
        throw e;
      }
      const s = await stat(held);
      if (s.mtime >= opts.olderThan || (await opts.isReferenced(f.key))) {
        await rename(held, final);
        result.kept++;
        continue;
      }
      await unlink(held);
      result.removed.push(f.key);
    }
    return result;
  }

  /** Files a dead sweep left in `.trash` go back where they were (unless the same bytes are there again). */
  private async restoreTrash(): Promise<void> {
    for (const name of await readdirOrEmpty(this.trashDir)) {
      const key = name.split(".")[0];
      const held = join(this.trashDir, name);
      if (!isBlobKey(key)) continue;
      if (await this.has(key)) await unlink(held);
      else {
        await ensurePrivateDir(dirname(this.pathOf(key)));
        await rename(held, this.pathOf(key));
      }
    }
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, "r");
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}
