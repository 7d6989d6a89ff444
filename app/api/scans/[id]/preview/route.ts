import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { readScanFile } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";
import { renderPreviewOffThread, type RenderedPreview } from "@/lib/dicom/off-thread";
import { isDicomError } from "@/lib/dicom/errors";
import { AppError } from "@/lib/domain/errors";
import { ScanPreviewQuery } from "@/lib/domain/scan";
import { parseOrThrow } from "@/lib/domain/validate";

export const dynamic = "force-dynamic";
type P = { id: string };

/**
 * A display-ready PNG of the scan's first frame in the viewer's default window (?size= longest
 * side, default 512): the record page shows it the moment the HTML arrives, while the full viewer
 * (Cornerstone, codecs, tools) is still loading, and the thumbnail strip shows it at 128 px.
 * PNG/JPEG scans are returned as stored. A scan that cannot be decoded is a 422 that says why.
 */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const { size } = parseOrThrow(ScanPreviewQuery, Object.fromEntries(new URL(req.url).searchParams), "query");
  const db = await prisma();
  const scan = await readScanFile(db, scanStoreFor(db), id);
  await auditRead(actor, req, "scan.preview.read", "Scan", id, scan.patientId);
  const headers = { "cache-control": "private, no-store", "x-content-type-options": "nosniff" };
  if (scan.contentType !== "application/dicom") return new Response(scan.bytes as unknown as BodyInit, { headers: { ...headers, "content-type": scan.contentType } });
  let img: RenderedPreview;
  try {
    img = await renderPreviewOffThread(scan.bytes, size);
  } catch (e) {
    if (isDicomError(e)) throw e.code === "decoder_busy" ? new AppError(503, e.code, e.message) : new AppError(422, "dicom_undecodable", e.message);
    throw e;
  }
  // the window the picture was made with (grey images), for clients and tests to compare
  const win: Record<string, string> = img.window ? { "x-window-center": String(img.window.center), "x-window-width": String(img.window.width) } : {};
  return new Response(img.png as unknown as BodyInit, { headers: { ...headers, ...win, "content-type": "image/png" } });
});
