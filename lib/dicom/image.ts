import { PNG } from "pngjs";
import { decodeJpeg8 } from "./codecs/jpeg-baseline";
import type { DecodedFrame } from "./decode";
import { DicomError, describeThrown } from "./errors";
import { readJpegFrameHeader } from "./codecs/jpeg-header";
import { checkDeclaredSize, imageLimits, type ImageLimits } from "./limits";

/** Non-DICOM scans (PNG / JPEG exports, photographs) decoded to the same shape as a DICOM frame. */

export type ScanContentType = "application/dicom" | "image/png" | "image/jpeg";

/** Identify an upload by its magic bytes, not by its name or the browser's claim. */
export function sniffContentType(bytes: Uint8Array): ScanContentType | null {
  const at = (i: number, ...sig: number[]) => sig.every((v, k) => bytes[i + k] === v);
  if (bytes.length >= 132 && at(128, 0x44, 0x49, 0x43, 0x4d)) return "application/dicom";
  if (bytes.length >= 4 && at(0, 0x44, 0x49, 0x43, 0x4d)) return "application/dicom";
  if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (bytes.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  return null;
}

/**
 * Decode a PNG or JPEG. Greyscale images come back as one sample per pixel (values 0–255, or
 * 0–65535 for 16-bit PNG) in MONOCHROME2; colour ones as interleaved RGB 0–255. Alpha is dropped.
 */
export async function decodePngOrJpeg(bytes: Uint8Array, mime: string, limits: ImageLimits = imageLimits()): Promise<DecodedFrame> {
  const sniffed = sniffContentType(bytes);
  if (mime !== "image/png" && mime !== "image/jpeg") throw new DicomError("unsupported_image", `Images of type ${mime} are not supported; upload DICOM, PNG or JPEG.`);
  if (sniffed !== mime) throw new DicomError("unsupported_image", `The file is not a valid ${mime === "image/png" ? "PNG" : "JPEG"} image.`);
  const size = mime === "image/png" ? readPngSize(bytes) : readJpegFrameHeader(bytes);
  if (!size) throw new DicomError("decode_failed", `The ${mime === "image/png" ? "PNG" : "JPEG"} image has no readable size header; the file may be corrupt.`);
  // PNG/JPEG decoders allocate RGBA at the declared size: refuse before that.
  checkDeclaredSize({ rows: size.height, columns: size.width, frames: 1, samplesPerPixel: 4, bitsAllocated: mime === "image/png" ? 16 : 8 }, limits);
  try {
    return mime === "image/png" ? decodePng(bytes) : await decodeJpeg(bytes);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    throw new DicomError("decode_failed", `The ${mime === "image/png" ? "PNG" : "JPEG"} image could not be decoded; the file may be corrupt.`, {
      cause: e,
      details: { reason: describeThrown(e) },
    });
  }
}

/** IHDR, the first chunk of every PNG: width and height, big-endian, at bytes 16–23. */
function readPngSize(b: Uint8Array): { width: number; height: number } | undefined {
  if (b.length < 24 || String.fromCharCode(b[12], b[13], b[14], b[15]) !== "IHDR") return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

function decodePng(bytes: Uint8Array): DecodedFrame {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // skipRescale keeps 16-bit samples as they are; pngjs then returns a Uint16Array of RGBA.
  const png = PNG.sync.read(buf, { skipRescale: true } as never) as unknown as { width: number; height: number; depth: number; color: boolean; data: Buffer | Uint16Array };
  const { width, height } = png;
  const grey = !png.color;
  const spp = grey ? 1 : 3;
  const data = new Float32Array(width * height * spp);
  const src = png.data;
  for (let p = 0; p < width * height; p++) {
    if (grey) data[p] = src[p * 4];
    else {
      data[p * 3] = src[p * 4];
      data[p * 3 + 1] = src[p * 4 + 1];
      data[p * 3 + 2] = src[p * 4 + 2];
    }
  }
  if (!grey && png.depth === 16) for (let i = 0; i < data.length; i++) data[i] = Math.round(data[i] / 257);
  return frame(width, height, spp, data);
}

async function decodeJpeg(bytes: Uint8Array): Promise<DecodedFrame> {
  const out = await decodeJpeg8(bytes);
  if (out.components !== 1 && out.components !== 3) throw new DicomError("unsupported_image", `JPEG images with ${out.components} colour channels are not supported.`);
  const data = Float32Array.from(out.samples);
  return frame(out.width, out.height, out.components, data);
}

function frame(columns: number, rows: number, spp: 1 | 3, data: Float32Array): DecodedFrame {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  const photometric = spp === 1 ? "MONOCHROME2" : "RGB";
  return { rows, columns, samplesPerPixel: spp, photometricInterpretation: photometric, sourcePhotometricInterpretation: photometric, monochrome1: false, data, min, max };
}
