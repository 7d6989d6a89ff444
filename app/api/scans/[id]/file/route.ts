import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { getScanFile } from "@/lib/db/scans";

export const dynamic = "force-dynamic";
type P = { id: string };

/** The stored scan bytes (DICOM Part 10, PNG or JPEG) for the viewer; every read is audited. */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const scan = await getScanFile(await prisma(), id);
  await auditRead(actor, req, "scan.read", "Scan", scan.id, scan.patientId, { bytes: scan.byteSize });
  const ext = scan.contentType === "application/dicom" ? "dcm" : scan.contentType.split("/")[1] ?? "bin";
  return new Response(scan.bytes as unknown as BodyInit, {
    headers: {
      "content-type": scan.contentType,
      "content-length": String(scan.bytes.byteLength),
      "content-disposition": `inline; filename="scan-${scan.id}.${ext}"`,
      // patient data: the browser may keep it for this tab's session only, never a shared cache
      "cache-control": "private, no-store",
      etag: `"${scan.sha256}"`,
      "x-content-type-options": "nosniff",
    },
  });
});
