import { decodeJpeg8 } from "./codecs/jpeg-baseline";
import { readJpegFrameHeader } from "./codecs/jpeg-header";
import { decodeJpeg12 } from "./codecs/jpeg12";
import { decodeJpeg2000 } from "./codecs/jpeg2000";
import { decodeJpegLossless } from "./codecs/jpeg-lossless";
import { decodeJpegLs } from "./codecs/jpeg-ls";
import { decodeRle } from "./codecs/rle";
import { applyPalette, planarToInterleaved, toByteRange, upsampleYbr422, ybrFullToRgb, type PaletteLut } from "./color";
import { DicomError, describeThrown } from "./errors";
import type { ParsedDicom } from "./parse";
import { checkFrameIndex, encapsulatedFrame, frameCount, nativeFrame, pixelDataElement } from "./pixel-data";
import { DECODABLE_ENCODINGS } from "./transfer-syntax";
import { checkDeclaredSize, checkStreamSize, imageLimits, type ImageLimits } from "./limits";
import { readJ2kSize } from "./codecs/jpeg2000-header";

export { frameCount };

/**
 * One decoded frame.
 * - Monochrome: `data` holds MODALITY values (stored value × Rescale Slope + Rescale Intercept,
 *   e.g. Hounsfield units for CT), one per pixel. MONOCHROME1 (white = low) is reported in
 *   `monochrome1`, never silently inverted: the windowing/display step decides.
 * - Colour (RGB, YBR_FULL, YBR_FULL_422, YBR_RCT/ICT, PALETTE COLOR): interleaved R,G,B in 0–255.
 */
export interface DecodedFrame {
  rows: number;
  columns: number;
  samplesPerPixel: 1 | 3;
  /** Colour space of `data`: MONOCHROME1, MONOCHROME2 or RGB. */
  photometricInterpretation: string;
  /** As written in the file (e.g. YBR_FULL_422). */
  sourcePhotometricInterpretation: string;
  monochrome1: boolean;
  data: Float32Array;
  min: number;
  max: number;
}

/** Integer samples straight out of the file or codec, interleaved, before any DICOM pixel semantics. */
interface RawSamples {
  samples: ArrayLike<number>;
  /** True when the codec already produced RGB from a YCbCr stream (libjpeg-turbo, OpenJPEG MCT). */
  codecGaveRgb: boolean;
  /** YBR_FULL_422 native data were upsampled, so the samples are full YBR. */
  upsampled422: boolean;
  /** Bits of high-bit padding to drop (native data whose High Bit is above Bits Stored − 1). */
  shift: number;
}

export async function decodeFrame(parsed: ParsedDicom, frameIndex = 0, limits: ImageLimits = imageLimits()): Promise<DecodedFrame> {
  const m = parsed.metadata;
  pixelDataElement(parsed);
  const ts = parsed.transferSyntax;
  if (!DECODABLE_ENCODINGS.has(ts.encoding)) {
    throw new DicomError("unsupported_transfer_syntax", `Images compressed as "${ts.name}" cannot be displayed yet. Ask the PACS to export this study uncompressed or as JPEG / JPEG 2000.`, {
      details: { transferSyntaxUid: ts.uid },
    });
  }
  checkFrameIndex(parsed, frameIndex);
  const rows = m.rows ?? 0;
  const columns = m.columns ?? 0;
  const bitsAllocated = m.bitsAllocated ?? 0;
  const bitsStored = m.bitsStored ?? bitsAllocated;
  const spp = m.samplesPerPixel;
  const photometric = m.photometricInterpretation ?? (spp === 3 ? "RGB" : "MONOCHROME2");
  if (rows <= 0 || columns <= 0 || bitsAllocated <= 0) {
    throw new DicomError("decode_failed", "The image is missing its size or bit depth (Rows, Columns, Bits Allocated), so it cannot be displayed.");
  }
  if (spp !== 1 && spp !== 3) {
    throw new DicomError("unsupported_pixel_format", `Images with ${spp} samples per pixel are not supported.`);
  }
  if (bitsStored > bitsAllocated || bitsStored > 32) {
    throw new DicomError("decode_failed", `Bits Stored (${bitsStored}) is not consistent with Bits Allocated (${bitsAllocated}).`);
  }
  // Before anything is allocated: the header's size is a claim, checked against the limits.
  checkDeclaredSize({ rows, columns, frames: m.numberOfFrames, samplesPerPixel: spp, bitsAllocated }, limits);

  let raw: RawSamples;
  try {
    raw = await decodeRaw(parsed, frameIndex, { rows, columns, bitsAllocated, spp, photometric });
  } catch (e) {
    if (e instanceof DicomError) throw e;
    throw new DicomError("decode_failed", `The ${ts.name} image data could not be decoded; the file may be corrupt.`, {
      cause: e,
      details: { transferSyntaxUid: ts.uid, frameIndex, reason: describeThrown(e) },
    });
  }

  const pixels = rows * columns;
  const outSpp: 1 | 3 = spp === 3 || photometric === "PALETTE COLOR" ? 3 : 1;
  if (raw.samples.length < pixels * spp) {
    throw new DicomError("decode_failed", `The decoded image is smaller than its header says (${raw.samples.length} of ${pixels * spp} samples).`);
  }

  let data: Float32Array;
  let outPhotometric: string;
  if (photometric === "PALETTE COLOR" && spp === 1) {
    data = applyPalette(storedValues(raw, bitsStored, 0), readPalette(parsed));
    outPhotometric = "RGB";
  } else if (spp === 1) {
    data = storedValues(raw, bitsStored, m.pixelRepresentation);
    const slope = m.rescaleSlope;
    const intercept = m.rescaleIntercept;
    if (slope !== 1 || intercept !== 0) for (let i = 0; i < data.length; i++) data[i] = data[i] * slope + intercept;
    outPhotometric = photometric === "MONOCHROME1" ? "MONOCHROME1" : "MONOCHROME2";
  } else {
    const samples = raw.shift > 0 || bitsStored < bitsAllocated ? storedValues(raw, bitsStored, 0) : raw.samples;
    const isYbr = !raw.codecGaveRgb && (raw.upsampled422 || photometric === "YBR_FULL" || photometric === "YBR_FULL_422");
    const rgb = isYbr ? ybrFullToRgb(samples, bitsStored) : samples;
    data = toByteRange(rgb, Math.min(bitsStored, 32));
    outPhotometric = "RGB";
  }
  if (data.length > pixels * outSpp) data = data.subarray(0, pixels * outSpp);

  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    rows,
    columns,
    samplesPerPixel: outSpp,
    photometricInterpretation: outPhotometric,
    sourcePhotometricInterpretation: photometric,
    monochrome1: outPhotometric === "MONOCHROME1",
    data,
    min,
    max,
  };
}

/**
 * One monochrome frame's stored values, decompressed but otherwise untouched (no rescale, no sign
 * handling: the bit patterns as stored), packed little endian in Bits Allocated (8, 16 or 32) —
 * the pixel data of the same frame in Explicit VR Little Endian. For WADO-RS frame retrieval
 * (lib/dicomweb) of compressed data. Colour data is refused (the codecs may convert YBR to RGB,
 * which would no longer match the header).
 */
export async function rawFrameLittleEndian(parsed: ParsedDicom, frameIndex: number, limits: ImageLimits = imageLimits()): Promise<Uint8Array> {
  const m = parsed.metadata;
  pixelDataElement(parsed);
  const ts = parsed.transferSyntax;
  if (!DECODABLE_ENCODINGS.has(ts.encoding))
    throw new DicomError("unsupported_transfer_syntax", `Images compressed as "${ts.name}" cannot be decompressed here.`, { details: { transferSyntaxUid: ts.uid } });
  checkFrameIndex(parsed, frameIndex);
  const rows = m.rows ?? 0;
  const columns = m.columns ?? 0;
  const bitsAllocated = m.bitsAllocated ?? 0;
  if (m.samplesPerPixel !== 1 || ![8, 16, 32].includes(bitsAllocated) || rows <= 0 || columns <= 0)
    throw new DicomError("unsupported_pixel_format", "Only monochrome 8-, 16- or 32-bit images can be decompressed for frame retrieval.");
  checkDeclaredSize({ rows, columns, frames: m.numberOfFrames, samplesPerPixel: 1, bitsAllocated }, limits);
  let raw: RawSamples;
  try {
    raw = await decodeRaw(parsed, frameIndex, { rows, columns, bitsAllocated, spp: 1, photometric: m.photometricInterpretation ?? "MONOCHROME2" });
  } catch (e) {
    if (e instanceof DicomError) throw e;
    throw new DicomError("decode_failed", `The ${ts.name} image data could not be decoded; the file may be corrupt.`, { cause: e, details: { reason: describeThrown(e) } });
  }
  const n = rows * columns;
  if (raw.samples.length < n) throw new DicomError("decode_failed", `The decoded image is smaller than its header says (${raw.samples.length} of ${n} samples).`);
  const out = new Uint8Array(n * (bitsAllocated / 8));
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = raw.samples[i] >>> 0;
    if (bitsAllocated === 8) out[i] = v & 0xff;
    else if (bitsAllocated === 16) view.setUint16(i * 2, v & 0xffff, true);
    else view.setUint32(i * 4, v, true);
  }
  return out;
}

/** Apply Bits Stored / High Bit / Pixel Representation: drop padding bits, sign-extend. */
function storedValues(raw: RawSamples, bitsStored: number, pixelRepresentation: number): Float32Array {
  const src = raw.samples;
  const out = new Float32Array(src.length);
  const signed = pixelRepresentation === 1;
  if (bitsStored < 32) {
    const mask = 2 ** bitsStored - 1;
    const up = 32 - bitsStored;
    for (let i = 0; i < src.length; i++) {
      const v = (src[i] >>> raw.shift) & mask;
      out[i] = signed ? (v << up) >> up : v;
    }
  } else {
    for (let i = 0; i < src.length; i++) {
      const v = src[i] >>> 0;
      out[i] = signed ? v | 0 : v;
    }
  }
  return out;
}

interface FrameShape {
  rows: number;
  columns: number;
  bitsAllocated: number;
  spp: number;
  photometric: string;
}

async function decodeRaw(parsed: ParsedDicom, frameIndex: number, shape: FrameShape): Promise<RawSamples> {
  const { rows, columns, bitsAllocated, spp, photometric } = shape;
  const m = parsed.metadata;
  const encoding = parsed.transferSyntax.encoding;
  const plain = (samples: ArrayLike<number>, codecGaveRgb = false): RawSamples => ({ samples, codecGaveRgb, upsampled422: false, shift: 0 });

  switch (encoding) {
    case "native": {
      const { bytes, bitOffset } = nativeFrame(parsed, frameIndex);
      let samples = nativeSamples(bytes, bitOffset, rows * columns * spp, bitsAllocated, parsed.transferSyntax.littleEndian);
      if (photometric === "YBR_FULL_422" && spp === 3) {
        return { samples: upsampleYbr422(samples, rows, columns), codecGaveRgb: false, upsampled422: true, shift: 0 };
      }
      if (spp === 3 && m.planarConfiguration === 1) samples = planarToInterleaved(samples, rows * columns, spp);
      const highBit = m.highBit ?? (m.bitsStored ?? bitsAllocated) - 1;
      const shift = Math.max(0, highBit + 1 - (m.bitsStored ?? bitsAllocated));
      return { samples, codecGaveRgb: false, upsampled422: false, shift };
    }
    case "rle":
      return plain(decodeRle(encapsulatedFrame(parsed, frameIndex), { rows, columns, samplesPerPixel: spp, bitsAllocated }));
    case "jpeg-baseline":
    case "jpeg-extended": {
      const frame = encapsulatedFrame(parsed, frameIndex);
      const header = readJpegFrameHeader(frame);
      if (!header) throw new Error("the compressed frame is not a JPEG stream");
      checkStreamSize(header, shape, "JPEG");
      if (header.precision <= 8) return plain((await decodeJpeg8(frame)).samples, true);
      return plain((await decodeJpeg12(frame, header.precision)).samples);
    }
    case "jpeg-lossless":
    case "jpeg-ls": {
      const frame = encapsulatedFrame(parsed, frameIndex);
      const header = readJpegFrameHeader(frame);
      if (!header) throw new Error(`the compressed frame is not a ${encoding === "jpeg-ls" ? "JPEG-LS" : "JPEG"} stream`);
      checkStreamSize(header, shape, encoding === "jpeg-ls" ? "JPEG-LS" : "JPEG Lossless");
      return plain(encoding === "jpeg-ls" ? (await decodeJpegLs(frame)).samples : decodeJpegLossless(frame).samples);
    }
    case "jpeg-2000": {
      const frame = encapsulatedFrame(parsed, frameIndex);
      const size = readJ2kSize(frame);
      if (!size) throw new Error("the compressed frame is not a JPEG 2000 codestream");
      checkStreamSize(size, shape, "JPEG 2000");
      const out = await decodeJpeg2000(frame);
      if (out.width !== columns || out.height !== rows) throw new Error(`JPEG 2000 stream is ${out.width}×${out.height}, header says ${columns}×${rows}`);
      return plain(out.samples, photometric === "YBR_RCT" || photometric === "YBR_ICT");
    }
    default:
      throw new DicomError("unsupported_transfer_syntax", `Transfer syntax ${parsed.transferSyntax.uid} cannot be decoded.`);
  }
}

function nativeSamples(bytes: Uint8Array, bitOffset: number, count: number, bitsAllocated: number, littleEndian: boolean): Uint8Array | Uint16Array | Uint32Array {
  switch (bitsAllocated) {
    case 1: {
      // Bit-packed (segmentation masks): pixel k is bit (k mod 8) of byte k/8, least significant first.
      const out = new Uint8Array(count);
      for (let k = 0; k < count; k++) {
        const bit = bitOffset + k;
        out[k] = (bytes[bit >> 3] >> (bit & 7)) & 1;
      }
      return out;
    }
    case 8:
      return bytes.slice(0, count);
    case 16: {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const n = Math.min(count, bytes.length >> 1);
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, littleEndian);
      return out;
    }
    case 32: {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const n = Math.min(count, bytes.length >> 2);
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 4, littleEndian);
      return out;
    }
    default:
      throw new DicomError("unsupported_pixel_format", `Native pixel data with ${bitsAllocated} bits allocated is not supported.`);
  }
}

/** Red/Green/Blue Palette Color Lookup Table Descriptor + Data (PS3.3 C.7.6.3.1.5). Segmented LUTs are not supported. */
function readPalette(parsed: ParsedDicom): PaletteLut {
  const ds = parsed.dataSet;
  const desc = (tag: string) => {
    const el = ds.elements[tag];
    if (!el) return undefined;
    const entries = ds.uint16(tag, 0) ?? 0;
    return { entries: entries === 0 ? 65536 : entries, firstValue: ds.uint16(tag, 1) ?? 0, bits: ds.uint16(tag, 2) ?? 16 };
  };
  const lutData = (tag: string, entries: number, bits: number): ArrayLike<number> => {
    const el = ds.elements[tag];
    if (!el) throw new DicomError("decode_failed", "This PALETTE COLOR image has no palette data (it may use a segmented palette, which is not supported).");
    const out = new Uint16Array(entries);
    const view = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
    const le = parsed.transferSyntax.littleEndian;
    // 8-bit entries are still stored in 16-bit words when the LUT data is OW; the size tells which.
    const perEntry = el.length >= entries * 2 ? 2 : 1;
    for (let i = 0; i < entries && i * perEntry < el.length; i++) out[i] = perEntry === 2 ? view.getUint16(i * 2, le) : view.getUint8(i);
    if (bits === 8 && perEntry === 2) for (let i = 0; i < entries; i++) out[i] = out[i] & 0xff;
    return out;
  };
  const d = desc("x00281101");
  if (!d) throw new DicomError("decode_failed", "This PALETTE COLOR image has no palette descriptor.");
  const bits = d.bits === 8 ? 0 : 16;
  return {
    entries: d.entries,
    firstValue: d.firstValue,
    bits,
    red: lutData("x00281201", d.entries, d.bits),
    green: lutData("x00281202", d.entries, d.bits),
    blue: lutData("x00281203", d.entries, d.bits),
  };
}
