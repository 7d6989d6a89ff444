import { Readable } from "node:stream";
import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { openScanFile, readScanFile } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";
import { explicitLittleEndianFromDeflated } from "@/lib/dicom/inflate-part10";
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN } from "@/lib/dicom/transfer-syntax";
import { isDicomError } from "@/lib/dicom/errors";
import { AppError } from "@/lib/domain/errors";
import { ScanFileQuery } from "@/lib/domain/scan";
import { parseOrThrow } from "@/lib/domain/validate";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";
type P = { id: string };

// patient data: the browser may keep it for this tab's session only, never a shared cache
const privateHeaders = { "cache-control": "private, no-store", "x-content-type-options": "nosniff" };

/**
 * The stored scan bytes (DICOM Part 10, PNG or JPEG) streamed from the scan store; every read is
 * audited. `?for=display` (the viewer): a deflated DICOM file is served inflated as Explicit VR
 * Little Endian, which the browser's DICOM decoder reads (lib/dicom/inflate-part10.ts).
 */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const query = parseOrThrow(ScanFileQuery, Object.fromEntries(new URL(req.url).searchParams), "query");
  const db = await prisma();
  if (query.for === "display") {
    const inflated = await displayBytesOfDeflated(db, id);
    if (inflated) {
      await auditRead(actor, req, "scan.read", "Scan", inflated.scan.id, inflated.scan.patientId, { bytes: inflated.scan.byteSize, servedAs: "explicit-vr-little-endian" });
      return new Response(inflated.bytes as unknown as BodyInit, {
        headers: { ...privateHeaders, "content-type": "application/dicom", "content-length": String(inflated.bytes.byteLength), "content-disposition": `inline; filename="scan-${inflated.scan.id}.dcm"` },
      });
    }
  }
  const scan = await openScanFile(db, scanStoreFor(db), id);
  try {
    await auditRead(actor, req, "scan.read", "Scan", scan.id, scan.patientId, { bytes: scan.byteSize });
  } catch (e) {
    scan.stream.destroy();
    throw e;
  }
  const ext = scan.contentType === "application/dicom" ? "dcm" : scan.contentType.split("/")[1] ?? "bin";
  return new Response(Readable.toWeb(scan.stream) as ReadableStream<Uint8Array>, {
    headers: {
      ...privateHeaders,
      "content-type": scan.contentType,
      "content-length": String(scan.size),
      "content-disposition": `inline; filename="scan-${scan.id}.${ext}"`,
      etag: `"${scan.sha256}"`,
    },
  });
});

/** A deflated DICOM scan's bytes as Explicit VR Little Endian; null for any other scan (served as stored). */
async function displayBytesOfDeflated(db: Awaited<ReturnType<typeof prisma>>, id: string) {
  const row = await db.scan.findUnique({ where: { id }, select: { transferSyntaxUid: true, contentType: true } });
  if (!row || row.contentType !== "application/dicom" || row.transferSyntaxUid !== DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) return null;
  const scan = await readScanFile(db, scanStoreFor(db), id);
  try {
    const bytes = await explicitLittleEndianFromDeflated(scan.bytes);
    return bytes ? { scan, bytes } : null;
  } catch (e) {
    if (isDicomError(e)) throw new AppError(422, "dicom_unreadable", e.message);
    throw e;
  }
}
