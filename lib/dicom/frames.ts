/**
 * WADO-RS frame retrieval (PS3.18 §9.5, used by lib/dicomweb): the pixel data of chosen frames, in
 * the stored transfer syntax or in Explicit VR Little Endian. Runs in a decode worker thread
 * (`framesOffThread`), like every other read of a file's pixel data.
 *
 * - Native (uncompressed) data: the frame's bytes; big endian data are swapped to little endian
 *   (the stored bytes are then no longer big endian, so native data are always given as Explicit VR
 *   Little Endian, or Implicit VR Little Endian when so stored — the same bytes).
 * - Encapsulated data, stored syntax: the frame's compressed bitstream as stored.
 * - Encapsulated data, Explicit VR Little Endian: decompressed here for monochrome images whose
 *   syntax the decoders read (`rawFrameLittleEndian`); otherwise `transfer_syntax_unavailable`
 *   (the route answers 406).
 */
import { DicomError } from "./errors";
import type { ParsedDicom } from "./parse";
import { rawFrameLittleEndian } from "./decode";
import { checkFrameIndex, encapsulatedFrame, nativeFrame } from "./pixel-data";
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN } from "./transfer-syntax";
import { imageLimits, type ImageLimits } from "./limits";

/** What the client accepts: the stored syntax ("*"), Explicit VR Little Endian, or one named syntax. */
export type FrameSyntaxRequest = "*" | string;

export type RetrievedFrames = {
  /** the transfer syntax of the returned bytes */
  transferSyntaxUid: string;
  /** the media type of each part (application/octet-stream for native data, image/… for compressed) */
  mediaType: string;
  frames: Uint8Array[];
};

/** Media types of compressed pixel data (PS3.18 Table 8.7.3-5); native data are application/octet-stream. */
const MEDIA_TYPES: Record<string, string> = {
  "1.2.840.10008.1.2.4.50": "image/jpeg",
  "1.2.840.10008.1.2.4.51": "image/jpeg",
  "1.2.840.10008.1.2.4.57": "image/jpeg",
  "1.2.840.10008.1.2.4.70": "image/jpeg",
  "1.2.840.10008.1.2.4.80": "image/jls",
  "1.2.840.10008.1.2.4.81": "image/jls",
  "1.2.840.10008.1.2.4.90": "image/jp2",
  "1.2.840.10008.1.2.4.91": "image/jp2",
  "1.2.840.10008.1.2.4.92": "image/jpx",
  "1.2.840.10008.1.2.4.93": "image/jpx",
  "1.2.840.10008.1.2.5": "image/dicom-rle",
};
export const frameMediaType = (transferSyntaxUid: string) => MEDIA_TYPES[transferSyntaxUid] ?? "application/octet-stream";

function nativeLittleEndian(parsed: ParsedDicom, index: number): Uint8Array {
  const { bytes, bitOffset } = nativeFrame(parsed, index);
  const ba = parsed.metadata.bitsAllocated ?? 0;
  if (ba === 1 && bitOffset !== 0) {
    // a 1-bit frame that does not start on a byte boundary: shift it so that it does
    const count = (parsed.metadata.rows ?? 0) * (parsed.metadata.columns ?? 0) * parsed.metadata.samplesPerPixel;
    const out = new Uint8Array(Math.ceil(count / 8));
    for (let k = 0; k < count; k++) {
      const bit = bitOffset + k;
      if ((bytes[bit >> 3] >> (bit & 7)) & 1) out[k >> 3] |= 1 << (k & 7);
    }
    return out;
  }
  if (parsed.transferSyntax.littleEndian || ba <= 8) return bytes.slice();
  const out = bytes.slice();
  const w = ba / 8;
  for (let i = 0; i + w <= out.length; i += w) out.subarray(i, i + w).reverse();
  return out;
}

/**
 * The frames (1-based numbers, as in the URL) of one instance. `want` is "*" (as stored), a transfer
 * syntax UID, or absent (PS3.18's default for application/octet-stream: Explicit VR Little Endian).
 */
export async function retrieveFrames(parsed: ParsedDicom, numbers: number[], want: FrameSyntaxRequest | null, limits: ImageLimits = imageLimits()): Promise<RetrievedFrames> {
  const ts = parsed.transferSyntax;
  for (const n of numbers) checkFrameIndex(parsed, n - 1);
  const native = ts.encoding === "native";
  const nativeUid = ts.uid === IMPLICIT_VR_LITTLE_ENDIAN ? IMPLICIT_VR_LITTLE_ENDIAN : EXPLICIT_VR_LITTLE_ENDIAN;
  const asLittleEndian = want === null || want === EXPLICIT_VR_LITTLE_ENDIAN || want === IMPLICIT_VR_LITTLE_ENDIAN;
  if (native && (want === "*" || asLittleEndian || want === ts.uid)) {
    return { transferSyntaxUid: want && want !== "*" && want !== ts.uid ? want : nativeUid, mediaType: "application/octet-stream", frames: numbers.map((n) => nativeLittleEndian(parsed, n - 1)) };
  }
  if (!native && (want === "*" || want === ts.uid)) {
    return { transferSyntaxUid: ts.uid, mediaType: frameMediaType(ts.uid), frames: numbers.map((n) => encapsulatedFrame(parsed, n - 1).slice()) };
  }
  if (!native && asLittleEndian) {
    try {
      const frames: Uint8Array[] = [];
      for (const n of numbers) frames.push(await rawFrameLittleEndian(parsed, n - 1, limits));
      return { transferSyntaxUid: want ?? EXPLICIT_VR_LITTLE_ENDIAN, mediaType: "application/octet-stream", frames };
    } catch (e) {
      if (e instanceof DicomError && (e.code === "unsupported_pixel_format" || e.code === "unsupported_transfer_syntax"))
        throw new DicomError("transfer_syntax_unavailable", `These frames are stored as ${ts.name} and cannot be given uncompressed (${e.message}). Ask for transfer-syntax=* or ${ts.uid}.`, {
          details: { stored: ts.uid, requested: want ?? EXPLICIT_VR_LITTLE_ENDIAN },
        });
      throw e;
    }
  }
  throw new DicomError("transfer_syntax_unavailable", `These frames are stored as ${ts.name}; they can be given as stored (${native ? nativeUid : ts.uid})${native ? "" : " or, for decodable monochrome images, as Explicit VR Little Endian"}, not as ${want}.`, {
    details: { stored: ts.uid, requested: want },
  });
}
