import { Readable } from "node:stream";
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { AppError, NotFoundError } from "@/lib/domain/errors";
import { BlobNotFoundError, type ScanStore } from "@/lib/storage";

type Db = PrismaClient | Prisma.TransactionClient;

/** A scan's file as the API serves it (GET /api/scans/{id}/file, preview, tags). */
export type ScanFileInfo = {
  id: string;
  patientId: string;
  contentType: string;
  byteSize: number;
  sha256: string;
  /** Key in the scan-file store; null only for a row written before the store whose bytes were not moved yet. */
  storageKey: string | null;
  /** DICOM only (null for PNG / JPEG) */
  transferSyntaxUid: string | null;
};

const fileSelect = { id: true, patientId: true, contentType: true, byteSize: true, sha256: true, storageKey: true, transferSyntaxUid: true } as const;

async function scanFileRow(db: Db, id: string) {
  const row = await db.scan.findUnique({ where: { id }, select: fileSelect });
  if (!row) throw new NotFoundError("Scan", id);
  return row;
}

/**
 * Bytes of a row not yet moved into the store (see `moveLegacyScanBytes`): asked for only when the
 * row has no storageKey, so a moved row's read never touches the legacy column.
 */
async function legacyBytes(db: Db, id: string): Promise<Uint8Array> {
  const r = await db.scan.findUnique({ where: { id }, select: { bytes: true } });
  if (!r?.bytes) throw new AppError(500, "scan_file_missing", `Scan ${id} has neither a file in the scan store nor bytes in the table.`);
  return new Uint8Array(r.bytes);
}

/** The scan's file as a stream, opened before anything is answered (a missing file is an error, not a short body). */
export async function openScanFile(db: Db, store: ScanStore, id: string): Promise<ScanFileInfo & { size: number; stream: Readable }> {
  const scan = await scanFileRow(db, id);
  if (!scan.storageKey) {
    const bytes = await legacyBytes(db, id);
    return { ...scan, size: bytes.byteLength, stream: Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]) };
  }
  const st = await store.stat(scan.storageKey);
  if (!st) throw new BlobNotFoundError(scan.storageKey, store.location);
  return { ...scan, size: st.size, stream: await store.get(scan.storageKey) };
}

/** The scan's whole file in memory (decoding: preview, tags of old rows, the worker). */
export async function readScanFile(db: Db, store: ScanStore, id: string): Promise<ScanFileInfo & { bytes: Uint8Array }> {
  const scan = await scanFileRow(db, id);
  return { ...scan, bytes: await readScanBytes(db, store, scan) };
}

/** The bytes of a scan row already read (its id and storageKey). */
export async function readScanBytes(db: Db, store: ScanStore, scan: { id: string; storageKey: string | null }): Promise<Uint8Array> {
  return scan.storageKey ? store.getBytes(scan.storageKey) : legacyBytes(db, scan.id);
}

/** What was saved with a scan at upload (lib/ingest InspectedScan metadata: DICOM metadata, tag rows, filename…). */
export async function getScanMetadata(db: Db, id: string): Promise<{ id: string; patientId: string; contentType: string; storageKey: string | null; metadata: Record<string, unknown> }> {
  const row = await db.scan.findUnique({ where: { id }, select: { id: true, patientId: true, contentType: true, storageKey: true, metadata: true } });
  if (!row) throw new NotFoundError("Scan", id);
  return { ...row, metadata: (row.metadata ?? {}) as Record<string, unknown> };
}
