import type { PrismaClient } from "@/lib/generated/prisma/client";
import { scanInForce } from "@/lib/db/in-force";
import { decodeScanOffThread } from "@/lib/dicom/off-thread";
import type { ScanContentType } from "@/lib/dicom";
import { readScanBytes } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";

/**
 * The latest scan of a patient known here, decoded for the model as the worker does it (the file
 * from the scan store, the assessed frame, off the request thread) — the one place the CDS service
 * reads scan bytes. The
 * image branch reads CT DICOM only: other scans are named in flags and the record is scored alone.
 */
export async function latestScanImage(db: PrismaClient, patientId: string): Promise<{ scanId: string; image: { rows: number; columns: number; data: Float32Array; modality: string } | null; flags: string[] } | null> {
  const scan = await db.scan.findFirst({
    where: { patientId, ...scanInForce }, // never a scan entered in error
    orderBy: { createdAt: "desc" },
    select: { id: true, modality: true, contentType: true, metadata: true, storageKey: true },
  });
  if (!scan) return null;
  if (scan.modality !== "CT") return { scanId: scan.id, image: null, flags: [`image_not_used:${scan.modality}_not_in_training_data`] };
  if (scan.contentType !== "application/dicom") return { scanId: scan.id, image: null, flags: ["image_not_used:not_dicom_no_modality_values"] };
  try {
    const frame = Number((scan.metadata as { assessedFrame?: number } | null)?.assessedFrame ?? 0);
    const bytes = await readScanBytes(db, scanStoreFor(db), scan);
    const d = (await decodeScanOffThread(bytes, scan.contentType as ScanContentType, { frame })).frame;
    if (d.samplesPerPixel !== 1) return { scanId: scan.id, image: null, flags: ["image_not_used:colour_image"] };
    return { scanId: scan.id, image: { rows: d.rows, columns: d.columns, data: d.data, modality: scan.modality }, flags: [] };
  } catch (e) {
    return { scanId: scan.id, image: null, flags: [`image_not_used:decode_failed`], ...{ error: (e as Error).message } };
  }
}
