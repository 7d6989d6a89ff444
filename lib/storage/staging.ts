import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { BlobTooLargeError, type BlobSource } from "./types";

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** A private folder (0700), made when missing. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
}

export type TempFile = { path: string; sha256: string; size: number };

/**
 * Writes a source to a new private file (0600) in `dir`, hashing as it goes, then fsyncs it: once
 * this resolves, the bytes are on disk. A failure (including more than `maxBytes`) removes the file.
 */
export async function writeTempFile(dir: string, source: BlobSource, maxBytes = Infinity): Promise<TempFile> {
  await ensurePrivateDir(dir);
  const path = join(dir, `${Date.now().toString(36)}-${randomBytes(8).toString("hex")}.part`);
  const fh = await open(path, "wx", FILE_MODE);
  const hash = createHash("sha256");
  let size = 0;
  try {
    const write = async (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
      hash.update(chunk);
      let off = 0;
      while (off < chunk.byteLength) off += (await fh.write(chunk, off, chunk.byteLength - off)).bytesWritten;
    };
    if (source instanceof Uint8Array) await write(source);
    else for await (const chunk of source) await write(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    await fh.sync();
    await fh.close();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw e;
  }
  return { path, sha256: hash.digest("hex"), size };
}

export async function readTempFile(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e;
  });
}

/** Removes temporary files older than `olderThan` (left by a crash mid-upload); returns how many. */
export async function removeStaleTempFiles(dir: string, olderThan: Date, dryRun = false): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
  let n = 0;
  for (const name of names) {
    if (!name.endsWith(".part")) continue;
    const p = join(dir, name);
    const s = await stat(p).catch(() => null);
    if (!s || s.mtime >= olderThan) continue;
    if (!dryRun) await removeQuietly(p);
    n++;
  }
  return n;
}

/** A staged temporary file with the commit of a given backend. */
export function stagedFromTemp(
  t: TempFile,
  commit: (t: TempFile, opts: { sql?: import("./types").SqlQuery }) => Promise<import("./types").StoredBlob>,
): import("./types").StagedBlob {
  let settled = false;
  return {
    key: t.sha256,
    sha256: t.sha256,
    size: t.size,
    readBytes: () => readTempFile(t.path),
    async commit(opts = {}) {
      if (settled) throw new Error("This staged file was already committed or discarded.");
      const r = await commit(t, opts);
      settled = true;
      return r;
    },
    async discard() {
      if (settled) return;
      settled = true;
      await removeQuietly(t.path);
    },
  };
}
