import type { Element, Fragment } from "dicom-parser";
import { DicomError } from "./errors";
import type { ParsedDicom } from "./parse";

/** Locating one frame's bytes in the Pixel Data element — native or encapsulated. */

export function pixelDataElement(parsed: ParsedDicom): Element {
  const el = parsed.dataSet.elements.x7fe00010;
  if (!el) {
    if (parsed.dataSet.elements.x7fe00008 || parsed.dataSet.elements.x7fe00009) {
      throw new DicomError("unsupported_pixel_format", "This DICOM object stores floating-point pixel data, which the viewer does not display.");
    }
    throw new DicomError("no_pixel_data", "This DICOM object has no image (it is, for example, a report, a plan or a waveform).");
  }
  return el;
}

export function frameCount(parsed: ParsedDicom): number {
  if (!parsed.metadata.hasPixelData) return 0;
  return parsed.metadata.numberOfFrames;
}

export function checkFrameIndex(parsed: ParsedDicom, frameIndex: number): void {
  const n = frameCount(parsed);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= n) {
    throw new DicomError("frame_out_of_range", `Frame ${frameIndex} does not exist; this image has ${n} frame${n === 1 ? "" : "s"}.`);
  }
}

/** Native (uncompressed) frame: its bytes plus, for 1-bit data, the bit offset of its first pixel. */
export function nativeFrame(parsed: ParsedDicom, frameIndex: number): { bytes: Uint8Array; bitOffset: number } {
  const el = pixelDataElement(parsed);
  const m = parsed.metadata;
  const rows = m.rows ?? 0;
  const cols = m.columns ?? 0;
  const ba = m.bitsAllocated ?? 0;
  const pixels = rows * cols;
  const all = parsed.dataSet.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
  if (ba === 1) {
    const bitStart = frameIndex * pixels * m.samplesPerPixel;
    const bitEnd = bitStart + pixels * m.samplesPerPixel;
    if (Math.ceil(bitEnd / 8) > all.length) throw frameTruncated(frameIndex);
    return { bytes: all.subarray(Math.floor(bitStart / 8), Math.ceil(bitEnd / 8)), bitOffset: bitStart % 8 };
  }
  const bytesPerSample = ba / 8;
  const samples = m.photometricInterpretation === "YBR_FULL_422" ? pixels * 2 : pixels * m.samplesPerPixel;
  const size = samples * bytesPerSample;
  const start = frameIndex * size;
  if (start + size > all.length) throw frameTruncated(frameIndex);
  return { bytes: all.subarray(start, start + size), bitOffset: 0 };
}

function frameTruncated(frameIndex: number): DicomError {
  return new DicomError("truncated", `The image data ends before frame ${frameIndex + 1} is complete; the file is incomplete.`);
}

/** Encapsulated frame: concatenated fragments, found through the Extended or Basic Offset Table, or by inference. */
export function encapsulatedFrame(parsed: ParsedDicom, frameIndex: number): Uint8Array {
  const el = pixelDataElement(parsed);
  const frags = el.fragments ?? [];
  if (frags.length === 0) throw new DicomError("truncated", "The compressed image data contains no fragments; the file is incomplete.");
  const frames = frameCount(parsed);
  const ds = parsed.dataSet;
  const bytesOf = (list: Fragment[]) => {
    if (list.length === 1) return ds.byteArray.subarray(list[0].position, list[0].position + list[0].length);
    const total = list.reduce((n, f) => n + f.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const f of list) {
      out.set(ds.byteArray.subarray(f.position, f.position + f.length), o);
      o += f.length;
    }
    return out;
  };

  const offsets = extendedOffsets(parsed) ?? (el.basicOffsetTable && el.basicOffsetTable.length === frames ? el.basicOffsetTable : undefined);
  if (offsets) {
    const start = offsets[frameIndex];
    const end = frameIndex + 1 < offsets.length ? offsets[frameIndex + 1] : Infinity;
    const list = frags.filter((f) => f.offset >= start && f.offset < end);
    if (list.length === 0) throw new DicomError("decode_failed", `The offset table points frame ${frameIndex + 1} at data that is not there.`);
    return bytesOf(list);
  }
  if (frames === 1) return bytesOf(frags);
  if (frags.length === frames) return bytesOf([frags[frameIndex]]);

  // No offset table and more fragments than frames: a new frame starts at each fragment that
  // begins with a codestream start marker (JPEG SOI FFD8, J2K SOC FF4F, JP2 signature box).
  const groups: Fragment[][] = [];
  for (const f of frags) {
    const b = ds.byteArray;
    const p = f.position;
    const starts = (b[p] === 0xff && (b[p + 1] === 0xd8 || b[p + 1] === 0x4f)) || (b[p + 4] === 0x6a && b[p + 5] === 0x50 && b[p + 6] === 0x20 && b[p + 7] === 0x20);
    if (starts || groups.length === 0) groups.push([f]);
    else groups[groups.length - 1].push(f);
  }
  if (groups.length !== frames) {
    throw new DicomError("decode_failed", `Could not tell where frame ${frameIndex + 1} starts in the compressed data (${frags.length} fragments for ${frames} frames, no offset table).`);
  }
  return bytesOf(groups[frameIndex]);
}

function extendedOffsets(parsed: ParsedDicom): number[] | undefined {
  const el = parsed.dataSet.elements.x7fe00001;
  if (!el || el.length < 8) return undefined;
  const b = parsed.dataSet.byteArray;
  const view = new DataView(b.buffer, b.byteOffset + el.dataOffset, el.length);
  const out: number[] = [];
  for (let i = 0; i + 8 <= el.length; i += 8) out.push(Number(view.getBigUint64(i, true)));
  return out.length === frameCount(parsed) ? out : undefined;
}
