import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { getScanMetadata, readScanBytes } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";
import { readTagsOffThread } from "@/lib/dicom/off-thread";
import { isDicomError } from "@/lib/dicom/errors";
import type { DicomTag } from "@/lib/dicom/tags";
import { AppError } from "@/lib/domain/errors";
import type { ScanTags } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";
type P = { id: string };

/**
 * The DICOM header of a scan as a flat tag list (the viewer's tag panel groups it by module): the
 * rows saved at upload (`metadata.tags`), so the file is not read again. Only a row stored without
 * them (written by an older version) has its file parsed, off the request thread.
 */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const db = await prisma();
  const scan = await getScanMetadata(db, id);
  if (scan.contentType !== "application/dicom") return { scanId: id, tags: [] } satisfies ScanTags;
  let tags = Array.isArray(scan.metadata.tags) ? (scan.metadata.tags as DicomTag[]) : null;
  if (!tags) {
    try {
      tags = (await readTagsOffThread(await readScanBytes(db, scanStoreFor(db), scan))).tags;
    } catch (e) {
      if (isDicomError(e)) throw e.code === "decoder_busy" ? new AppError(503, e.code, e.message) : new AppError(422, "dicom_unreadable", e.message);
      throw e;
    }
  }
  await auditRead(actor, req, "scan.tags.read", "Scan", id, scan.patientId);
  return { scanId: id, tags } satisfies ScanTags;
});
