import { DicomError } from "./errors";

/**
 * How large an image this server will decode. One set of limits for every path that decodes —
 * upload, STOW, PACS import, the assessment worker, previews — so nothing accepted at the door is
 * refused later, and nothing is allocated from a size a file merely declares.
 *
 * A file's header is a claim: a 588-byte RLE file can declare 65535 × 65535 pixels. The declared
 * size is checked against these limits BEFORE any buffer is allocated, and each codec's own stream
 * header must agree with the DICOM header (see `checkStreamSize`).
 */
export interface ImageLimits {
  /** Longest side in pixels (rows and columns). The model's preprocessing shares it. */
  maxSide: number;
  /** rows × columns × frames × samples × bytes per sample, as declared (all frames, uncompressed). */
  maxImageBytes: number;
  /** Data elements in the file, nested sequence items included. */
  maxElements: number;
  /** Bytes of the tag summary kept with a scan (the tag panel); the rest is dropped, flagged. */
  maxTagSummaryBytes: number;
}

/** The longest image side the server accepts; also the model preprocessing's limit. */
export const MAX_IMAGE_SIDE = 4096;

const num = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isFinite(n) && n > 0 ? n : fallback;
};

export function imageLimits(env: Record<string, string | undefined> = process.env): ImageLimits {
  return {
    maxSide: Math.min(MAX_IMAGE_SIDE, num(env.FUSION_MAX_IMAGE_SIDE, MAX_IMAGE_SIDE)),
    maxImageBytes: num(env.FUSION_MAX_IMAGE_BYTES, 1024 * 1024 * 1024),
    maxElements: num(env.FUSION_MAX_DICOM_ELEMENTS, 50_000),
    maxTagSummaryBytes: num(env.FUSION_MAX_TAG_SUMMARY_BYTES, 1024 * 1024),
  };
}

export type DeclaredImage = { rows: number; columns: number; frames: number; samplesPerPixel: number; bitsAllocated: number };

/** Refuses (image_too_large) an image whose declared size exceeds the limits. Allocates nothing. */
export function checkDeclaredSize(d: DeclaredImage, limits: ImageLimits = imageLimits()): void {
  const { rows, columns, frames, samplesPerPixel, bitsAllocated } = d;
  if (rows > limits.maxSide || columns > limits.maxSide) {
    throw new DicomError("image_too_large", `The image is ${columns} × ${rows} pixels; at most ${limits.maxSide} pixels per side are accepted.`, {
      details: { rows, columns, maxSide: limits.maxSide },
    });
  }
  const bytes = rows * columns * Math.max(1, frames) * Math.max(1, samplesPerPixel) * Math.max(1, Math.ceil(bitsAllocated / 8));
  if (bytes > limits.maxImageBytes) {
    throw new DicomError(
      "image_too_large",
      `The image declares ${frames} frame${frames === 1 ? "" : "s"} of ${columns} × ${rows} pixels (${mib(bytes)} MiB uncompressed); at most ${mib(limits.maxImageBytes)} MiB are accepted.`,
      { details: { rows, columns, frames, declaredBytes: bytes, maxImageBytes: limits.maxImageBytes } },
    );
  }
}

/** A codec's own header (JPEG SOF, JPEG 2000 SIZ, PNG IHDR) must describe the image the DICOM header does. */
export function checkStreamSize(stream: { width: number; height: number }, declared: { rows: number; columns: number }, codec: string): void {
  if (stream.width !== declared.columns || stream.height !== declared.rows) {
    throw new DicomError("decode_failed", `The ${codec} data is ${stream.width} × ${stream.height} pixels but the file's header says ${declared.columns} × ${declared.rows}; the file is inconsistent and was not decoded.`, {
      details: { stream, declared },
    });
  }
}

const mib = (n: number) => (n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0);
