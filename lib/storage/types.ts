import type { Readable } from "node:stream";
import { AppError } from "@/lib/domain/errors";

/**
 * The scan-file store: scan bytes live here, not in the `Scan` table. Content-addressed: a file's
 * key is the SHA-256 of its bytes (64 lowercase hex digits), so writing the same bytes twice stores
 * them once and a key names exactly one content. Backends (files under the data directory,
 * PostgreSQL) implement this one interface; nothing above `lib/storage` knows which is in use.
 *
 * Nothing in the app deletes a stored file: `delete` and `sweep` are for tests and maintenance.
 */
export interface ScanStore {
  readonly kind: ScanStoreKind;
  /** Where the files are, for logs and the health check (a folder, or "PostgreSQL table ScanBlob"). */
  readonly location: string;
  /**
   * Stores bytes (or a stream of them) under their SHA-256 and returns the key. Idempotent: the same
   * bytes again return the same key and leave the stored copy as it is. With `sql`, a backend that
   * lives in the database writes inside that transaction (the file backend ignores it).
   */
  put(source: BlobSource, opts?: { sql?: SqlQuery }): Promise<StoredBlob>;
  /**
   * Writes a stream to a private temporary file while hashing it, and nothing else: the bytes are
   * not in the store until `commit()`. For uploads, which are inspected before they are kept.
   * A stream longer than `maxBytes` is refused (BlobTooLargeError) and its temporary file removed.
   */
  stage(source: BlobSource, opts?: { maxBytes?: number }): Promise<StagedBlob>;
  /** The stored bytes as a stream. Throws BlobNotFoundError (before any byte is read) when absent. */
  get(key: string): Promise<Readable>;
  /** All stored bytes at once (decoding needs them whole). Throws BlobNotFoundError when absent. */
  getBytes(key: string): Promise<Uint8Array>;
  /** Size and the last time it was written or re-put; null when absent. */
  stat(key: string): Promise<BlobStat | null>;
  has(key: string): Promise<boolean>;
  /** Removes one stored file; true when it was there. Tests and maintenance only. */
  delete(key: string): Promise<boolean>;
  /** Re-reads the stored bytes and recomputes their SHA-256: `ok` when it equals the key. */
  verify(key: string): Promise<VerifyResult>;
  /** Every stored key (maintenance: sweep, audits of the store). */
  list(): AsyncIterable<BlobStat & { key: string }>;
  /**
   * Garbage collection of files no Scan row refers to (uploads refused or rolled back after their
   * file was stored, rows removed with their patient). Only a file untouched since `olderThan` and
   * for which `isReferenced` answers false (re-checked after it is taken out of place) is removed,
   * so a file an upload is about to reference is never lost. Stale temporary files go too.
   */
  sweep(opts: SweepOptions): Promise<SweepResult>;
}

export type ScanStoreKind = "file" | "postgres";

/** Bytes, or a stream of byte chunks (a Node Readable or any async iterable). */
export type BlobSource = Uint8Array | AsyncIterable<Uint8Array>;

export type StoredBlob = {
  /** The SHA-256 of the bytes, hex; the key to read them back. */
  key: string;
  size: number;
  /** False when the same bytes were already stored. */
  created: boolean;
};

export type BlobStat = { size: number; touchedAt: Date };

export type VerifyResult = { ok: boolean; key: string; sha256: string; size: number };

/** A stream written to a temporary file and hashed, not yet in the store. */
export interface StagedBlob {
  /** The key the bytes will be stored under (content-addressed: their SHA-256), known before commit. */
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  /** The bytes, read once from the temporary file (inspection decodes them whole). */
  readBytes(): Promise<Uint8Array>;
  /** Moves the bytes into the store (see `ScanStore.put`); afterwards `discard` does nothing. */
  commit(opts?: { sql?: SqlQuery }): Promise<StoredBlob>;
  /** Removes the temporary file. Safe to call more than once, and after `commit`. */
  discard(): Promise<void>;
}

export type SweepOptions = {
  /** Files written or re-put after this instant are kept whatever the database says. */
  olderThan: Date;
  /** Does a Scan row refer to this key? Asked once more after the file is taken out of place. */
  isReferenced(key: string): Promise<boolean>;
  dryRun?: boolean;
};

export type SweepResult = { examined: number; removed: string[]; kept: number; tempFilesRemoved: number };

/** One SQL statement with $1… parameters, on either engine (Prisma raw, pg, PGlite). */
export type SqlQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** What a database-backed store needs: statements, and a way to group some in one transaction. */
export interface BlobDatabase {
  query: SqlQuery;
  transaction<T>(fn: (sql: SqlQuery) => Promise<T>): Promise<T>;
}

export class BlobNotFoundError extends AppError {
  constructor(readonly key: string, where: string) {
    super(500, "scan_file_missing", `The scan file ${key.slice(0, 12)}… is missing from the scan store (${where}). Check FUSION_SCAN_STORE / FUSION_SCAN_STORE_DIR, or restore the file from a backup.`, { key });
  }
}

export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The stream is longer than ${maxBytes} bytes.`);
  }
}

export class InvalidBlobKeyError extends Error {
  constructor(key: string) {
    super(`Not a scan-store key (64 lowercase hex digits): ${JSON.stringify(key.slice(0, 80))}`);
  }
}
