import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { queueAssessment, requireActiveModel } from "@/lib/jobs/queue-assessment";
import type { UploadResult } from "@/lib/domain/responses";
import type { InspectedScan } from "./inspect";
import { scanRowData } from "./scan-row";
import { prismaSql } from "@/lib/db/scan-store";
import type { StagedBlob } from "@/lib/storage";
import type { ScanIdentityFlag } from "@/lib/domain/scan";

/** The upload answer (lib/domain/responses.ts UploadResult) and whether the scan is new. */
export type StoredUpload = Omit<UploadResult, "duplicate"> & { created: boolean };

const scanSelect = { id: true, sha256: true, modality: true, rows: true, columns: true, frames: true, contentType: true, byteSize: true, createdAt: true } as const;
const assessmentSelect = { id: true, status: true, modelName: true, modelVersion: true, strategy: true } as const;

/**
 * THE writer of Scan rows: an inspected file's Scan row, its queued Assessment (for the registry's
 * active model) and the queue job, inside the caller's transaction — upload and demo seed alike.
 * The caller writes the audit row in the same transaction.
 *
 * The file, staged by the caller (`ScanStore.stage`: on disk, hashed), goes into the scan-file store
 * as the last step here: inside the transaction for the postgres store; for the file store a rename
 * into place, so a rollback after it (the caller's audit row, the COMMIT) leaves an unreferenced file
 * for `npm run scans:sweep`. Anything refused before this point never reaches the store. The caller
 * discards the staged file afterwards in every case (a no-op once committed).
 */
export async function storeScan(
  tx: Prisma.TransactionClient,
  queue: AssessmentQueue,
  args: {
    patientId: string;
    file: StagedBlob;
    inspected: InspectedScan;
    requestedById: string | null;
    extraMetadata?: Record<string, unknown>;
    /** the header does not name this patient and a clinician attached it anyway, saying why */
    identity?: { flag: ScanIdentityFlag; reason: string } | null;
  },
): Promise<StoredUpload & { created: true; assessment: NonNullable<StoredUpload["assessment"]> }> {
  const model = await requireActiveModel(tx); // before anything is written: 503 costs nothing
  const scan = await tx.scan.create({
    data: {
      ...scanRowData(args.patientId, args.inspected, args.file, args.extraMetadata),
      ...(args.identity ? { identityFlag: args.identity.flag, identityReason: args.identity.reason } : {}),
    },
    select: scanSelect,
  });
  const { id, status, modelName, modelVersion, strategy } = await queueAssessment(tx, queue, {
    patientId: args.patientId,
    scanId: scan.id,
    requestedById: args.requestedById,
    model,
  });
  await args.file.commit({ sql: prismaSql(tx) });
  return { created: true, scan: { ...scan, createdAt: scan.createdAt.toISOString() }, assessment: { id, status, modelName, modelVersion, strategy } };
}

/** The scan already stored for these bytes and this patient (with its newest assessment), or null. */
export async function findStoredScan(db: Pick<PrismaClient, "scan">, patientId: string, sha256: string): Promise<StoredUpload | null> {
  const s = await db.scan.findUnique({
    where: { patientId_sha256: { patientId, sha256 } },
    select: { ...scanSelect, assessments: { orderBy: { createdAt: "desc" }, take: 1, select: assessmentSelect } },
  });
  if (!s) return null;
  const { assessments, ...scan } = s;
  return { created: false, scan: { ...scan, createdAt: scan.createdAt.toISOString() }, assessment: assessments[0] ?? null };
}
