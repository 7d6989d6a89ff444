const WEB_SCHEME = "fcdsweb"; // see webImageLoader.ts (kept import-free: Viewer.tsx loads this before Cornerstone)
import type { ViewerScan } from "./types";

/** The scan's file as the viewer decodes it (a deflated DICOM file arrives inflated: see the route). */
export const scanFileUrl = (scanId: string) => `/api/scans/${scanId}/file?for=display`;
/** Display-ready PNG of the first frame in the viewer's default window (longest side `size` px, server default 512). */
export const previewUrl = (scanId: string, size?: number) => `/api/scans/${scanId}/preview${size ? `?size=${size}` : ""}`;

/** The scan's WADO-RS instance URL on this server (DICOMweb scans). */
export const wadorsInstanceUrl = (d: NonNullable<ViewerScan["dicomweb"]>) => `/dicomweb/studies/${d.study}/series/${d.series}/instances/${d.sop}`;

/**
 * Cornerstone image ids for every frame of a scan: DICOMweb scans through WADO-RS frames
 * (`wadors:`, as OHIF reads a PACS), uploaded DICOM through its file (wadouri), PNG/JPEG through ours.
 */
export function imageIdsFor(scan: ViewerScan): string[] {
  if (scan.dicomweb && scan.contentType === "application/dicom") {
    const base = wadorsInstanceUrl(scan.dicomweb);
    return Array.from({ length: Math.max(1, scan.frames || 1) }, (_, i) => `wadors:${base}/frames/${i + 1}`);
  }
  const url = scanFileUrl(scan.id);
  if (scan.contentType !== "application/dicom") return [`${WEB_SCHEME}:${url}`];
  const frames = Math.max(1, scan.frames || 1);
  if (frames === 1) return [`wadouri:${url}`];
  // wadouri frames are 1-based (the loader cuts "&frame=n" off the URL it fetches)
  return Array.from({ length: frames }, (_, i) => `wadouri:${url}&frame=${i + 1}`);
}
