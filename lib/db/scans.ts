import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { NotFoundError } from "@/lib/domain/errors";

type Db = PrismaClient | Prisma.TransactionClient;

/** The stored bytes of one scan, for GET /api/scans/{id}/file. */
export type ScanFile = {
  id: string;
  patientId: string;
  contentType: string;
  byteSize: number;
  sha256: string;
  bytes: Uint8Array;
};

export async function getScanFile(db: Db, id: string): Promise<ScanFile> {
  const row = await db.scan.findUnique({
    where: { id },
    select: { id: true, patientId: true, contentType: true, byteSize: true, sha256: true, bytes: true },
  });
  if (!row) throw new NotFoundError("Scan", id);
  return { ...row, bytes: new Uint8Array(row.bytes) };
}

/** Parsed DICOM metadata stored with a scan (lib/dicom DicomMetadata; `{}` for PNG/JPEG). */
export async function getScanMetadata(db: Db, id: string): Promise<{ id: string; patientId: string; metadata: Record<string, unknown> }> {
  const row = await db.scan.findUnique({ where: { id }, select: { id: true, patientId: true, metadata: true } });
  if (!row) throw new NotFoundError("Scan", id);
  return { id: row.id, patientId: row.patientId, metadata: (row.metadata ?? {}) as Record<string, unknown> };
}
