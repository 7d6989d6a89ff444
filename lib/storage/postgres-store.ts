import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { assertBlobKey, sha256Hex } from "./keys";
import { removeQuietly, removeStaleTempFiles, stagedFromTemp, writeTempFile, type TempFile } from "./staging";
import {
  BlobNotFoundError,
  type BlobDatabase,
  type BlobSource,
  type BlobStat,
  type ScanStore,
  type SqlQuery,
  type StagedBlob,
  type StoredBlob,
  type SweepOptions,
  type SweepResult,
  type VerifyResult,
} from "./types";

/** Bytes per row of "ScanBlobChunk": small enough to stream, large enough to need few rows. */
export const CHUNK_BYTES = 1024 * 1024;

const WHERE = 'PostgreSQL table "ScanBlob"';

/**
 * Scan files inside the database: one "ScanBlob" row per file (key = SHA-256, size, times) and its
 * bytes in 1 MiB "ScanBlobChunk" rows (bytea, stored uncompressed). Ordinary rows rather than
 * large objects: they go with the database in every backup and replica (pg_dump of the tables,
 * logical replication — which skips large objects), are removed with their row (a large object
 * needs its own lo_unlink or it leaks), and behave the same on PostgreSQL and the embedded PGlite.
 * Writes run in one transaction — the caller's, when it passes one, so a Scan row and its bytes
 * commit or roll back together.
 *
 * Uploads are staged in a private temporary folder on local disk (hashing as they arrive) and copied
 * into the database chunk by chunk on commit, so no upload is held whole in memory here either.
 */
export class PostgresScanStore implements ScanStore {
  readonly kind = "postgres" as const;
  readonly location = WHERE;

  constructor(
    private readonly db: BlobDatabase,
    /** Where uploads are staged before commit (a private folder on local disk). */
    private readonly stagingDir: string,
  ) {}

  async put(source: BlobSource, opts: { sql?: SqlQuery } = {}): Promise<StoredBlob> {
    if (source instanceof Uint8Array) {
      const key = sha256Hex(source);
      const chunks = async function* () {
        for (let off = 0; off < source.byteLength; off += CHUNK_BYTES) yield source.subarray(off, off + CHUNK_BYTES);
      };
      return this.write(key, source.byteLength, chunks, opts.sql);
    }
    const t = await writeTempFile(this.stagingDir, source);
    try {
      return await this.commitTemp(t, opts);
    } finally {
      await removeQuietly(t.path);
    }
  }

  async stage(source: BlobSource, opts: { maxBytes?: number } = {}): Promise<StagedBlob> {
    const t = await writeTempFile(this.stagingDir, source, opts.maxBytes);
    return stagedFromTemp(t, (tf, o) => this.commitTemp(tf, o));
  }

  private async commitTemp(t: TempFile, opts: { sql?: SqlQuery }): Promise<StoredBlob> {
    const r = await this.write(t.sha256, t.size, () => readFileChunks(t.path), opts.sql);
    await removeQuietly(t.path);
    return r;
  }

  /**
   * Inserts the blob row, or — same key, same bytes — only refreshes its `touchedAt`. The upsert
   * locks the row until the transaction ends, so a concurrent sweep waits and then sees it fresh.
   */
  private async write(key: string, size: number, chunks: () => AsyncIterable<Uint8Array>, sql?: SqlQuery): Promise<StoredBlob> {
    const run = async (q: SqlQuery): Promise<StoredBlob> => {
      const [row] = await q<{ inserted: boolean }>(
        `INSERT INTO "ScanBlob" ("key", "size", "chunkSize") VALUES ($1, $2, $3)
         ON CONFLICT ("key") DO UPDATE SET "touchedAt" = now()
         RETURNING (xmax = 0) AS inserted`,
        [key, size, CHUNK_BYTES],
      );
      if (!row.inserted) return { key, size, created: false };
      let seq = 0;
      for await (const chunk of chunks()) await q(`INSERT INTO "ScanBlobChunk" ("key", "seq", "data") VALUES ($1, $2, $3)`, [key, seq++, chunk]);
      return { key, size, created: true };
    };
    return sql ? run(sql) : this.db.transaction(run);
  }

  private async head(key: string): Promise<{ size: number; chunkSize: number; touchedAt: Date } | null> {
    assertBlobKey(key);
    const [row] = await this.db.query<{ size: number; chunkSize: number; touchedAt: Date }>(
      `SELECT "size"::float8 AS "size", "chunkSize", "touchedAt" FROM "ScanBlob" WHERE "key" = $1`,
      [key],
    );
    return row ? { size: Number(row.size), chunkSize: row.chunkSize, touchedAt: new Date(row.touchedAt) } : null;
  }

  async get(key: string): Promise<Readable> {
    const h = await this.head(key);
    if (!h) throw new BlobNotFoundError(key, WHERE);
    const n = Math.ceil(h.size / h.chunkSize);
    const db = this.db;
    return Readable.from(
      (async function* () {
        for (let seq = 0; seq < n; seq++) {
          const [c] = await db.query<{ data: Uint8Array }>(`SELECT "data" FROM "ScanBlobChunk" WHERE "key" = $1 AND "seq" = $2`, [key, seq]);
          if (!c) throw new BlobNotFoundError(key, `${WHERE}, chunk ${seq} of ${n}`);
          yield asBuffer(c.data);
        }
      })(),
      { objectMode: false },
    );
  }

  async getBytes(key: string): Promise<Uint8Array> {
    const h = await this.head(key);
    if (!h) throw new BlobNotFoundError(key, WHERE);
    const out = new Uint8Array(h.size);
    let off = 0;
    for await (const c of await this.get(key)) {
      out.set(c as Buffer, off);
      off += (c as Buffer).byteLength;
    }
    if (off !== h.size) throw new BlobNotFoundError(key, `${WHERE}: ${off} of ${h.size} bytes`);
    return out;
  }

  async stat(key: string): Promise<BlobStat | null> {
    const h = await this.head(key);
    return h ? { size: h.size, touchedAt: h.touchedAt } : null;
  }

  async has(key: string): Promise<boolean> {
    return (await this.head(key)) !== null;
  }

  async delete(key: string): Promise<boolean> {
    assertBlobKey(key);
    const rows = await this.db.query(`DELETE FROM "ScanBlob" WHERE "key" = $1 RETURNING "key"`, [key]);
    return rows.length > 0;
  }

  async verify(key: string): Promise<VerifyResult> {
    const hash = createHash("sha256");
    let size = 0;
    for await (const c of await this.get(key)) {
      hash.update(c as Buffer);
      size += (c as Buffer).byteLength;
    }
    const sha256 = hash.digest("hex");
    return { ok: sha256 === key, key, sha256, size };
  }

  async *list(): AsyncIterable<BlobStat & { key: string }> {
    let after = "";
    for (;;) {
      const rows = await this.db.query<{ key: string; size: number; touchedAt: Date }>(
        `SELECT "key", "size"::float8 AS "size", "touchedAt" FROM "ScanBlob" WHERE "key" > $1 ORDER BY "key" LIMIT 500`,
        [after],
      );
      for (const r of rows) yield { key: r.key, size: Number(r.size), touchedAt: new Date(r.touchedAt) };
      if (rows.length < 500) return;
      after = rows[rows.length - 1].key;
    }
  }

  /**
   * One DELETE per candidate that re-checks, in the same statement, that the blob is still
   * untouched and that no Scan row refers to it. An upload re-putting the same bytes holds the
   * blob's row lock until it commits; the DELETE waits for it and then finds the row fresh.
   */
  async sweep(opts: SweepOptions): Promise<SweepResult> {
    const tempFilesRemoved = await removeStaleTempFiles(this.stagingDir, opts.olderThan, opts.dryRun);
    const result: SweepResult = { examined: 0, removed: [], kept: 0, tempFilesRemoved };
    for await (const b of this.list()) {
      result.examined++;
      if (b.touchedAt >= opts.olderThan || (await opts.isReferenced(b.key))) {
        result.kept++;
        continue;
      }
      if (opts.dryRun) {
        result.removed.push(b.key);
        continue;
      }
      const gone = await this.db.query(
        `DELETE FROM "ScanBlob" b WHERE b."key" = $1 AND b."touchedAt" < $2
           AND NOT EXISTS (SELECT 1 FROM "Scan" s WHERE s."storageKey" = b."key")
         RETURNING b."key"`,
        [b.key, opts.olderThan],
      );
      if (gone.length) result.removed.push(b.key);
      else result.kept++;
    }
    return result;
  }
}

const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

async function* readFileChunks(path: string): AsyncIterable<Uint8Array> {
  const fh = await open(path, "r");
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      let filled = 0;
      while (filled < CHUNK_BYTES) {
        const { bytesRead } = await fh.read(buf, filled, CHUNK_BYTES - filled, null);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      if (filled === 0) return;
      yield buf.subarray(0, filled);
      if (filled < CHUNK_BYTES) return;
    }
  } finally {
    await fh.close();
  }
}
