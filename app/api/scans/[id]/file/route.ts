import { Readable } from "node:stream";
import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { openScanFile } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";
type P = { id: string };

/** The stored scan bytes (DICOM Part 10, PNG or JPEG) for the viewer, streamed from the scan store; every read is audited. */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const db = await prisma();
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
      "content-type": scan.contentType,
      "content-length": String(scan.size),
      "content-disposition": `inline; filename="scan-${scan.id}.${ext}"`,
      // patient data: the browser may keep it for this tab's session only, never a shared cache
      "cache-control": "private, no-store",
      etag: `"${scan.sha256}"`,
      "x-content-type-options": "nosniff",
    },
  });
});
