import { PNG } from "pngjs";
import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { getScanFile } from "@/lib/db/scans";
import { parseDicom } from "@/lib/dicom/parse";
import { decodeFrame } from "@/lib/dicom/decode";
import { applyWindow, defaultWindow } from "@/lib/dicom/window";
import { isDicomError } from "@/lib/dicom/errors";
import { AppError } from "@/lib/domain/errors";

export const dynamic = "force-dynamic";
type P = { id: string };
const MAX = 512;

/**
 * A display-ready PNG of the scan's first frame (file window, ≤ 512 px): the record page shows it
 * the moment the HTML arrives, while the full viewer (Cornerstone, codecs, tools) is still
 * loading. PNG/JPEG scans are returned as stored.
 */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const scan = await getScanFile(await prisma(), id);
  await auditRead(actor, req, "scan.preview.read", "Scan", id, scan.patientId);
  const headers = { "cache-control": "private, no-store", "x-content-type-options": "nosniff" };
  if (scan.contentType !== "application/dicom") return new Response(scan.bytes as unknown as BodyInit, { headers: { ...headers, "content-type": scan.contentType } });
  let png: Buffer;
  try {
    const parsed = parseDicom(scan.bytes);
    const f = await decodeFrame(parsed, 0);
    const step = Math.max(1, Math.ceil(Math.max(f.rows, f.columns) / MAX));
    const w = Math.ceil(f.columns / step);
    const h = Math.ceil(f.rows / step);
    const out = new PNG({ width: w, height: h });
    if (f.samplesPerPixel === 1) {
      const win = defaultWindow(parsed, f);
      const grey = applyWindow(f.data, win.center, win.width, { invert: f.monochrome1 });
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const g = grey[y * step * f.columns + x * step];
          const o = (y * w + x) * 4;
          out.data[o] = out.data[o + 1] = out.data[o + 2] = g;
          out.data[o + 3] = 255;
        }
    } else {
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const i = (y * step * f.columns + x * step) * 3;
          const o = (y * w + x) * 4;
          out.data[o] = f.data[i];
          out.data[o + 1] = f.data[i + 1];
          out.data[o + 2] = f.data[i + 2];
          out.data[o + 3] = 255;
        }
    }
    png = PNG.sync.write(out);
  } catch (e) {
    if (isDicomError(e)) throw new AppError(422, "dicom_undecodable", e.message);
    throw e;
  }
  return new Response(new Uint8Array(png), { headers: { ...headers, "content-type": "image/png" } });
});
