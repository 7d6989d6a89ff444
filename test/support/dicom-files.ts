import { readFileSync } from "node:fs";
import { encodeElement } from "@/lib/dicom/inflate-part10";
import { pydicomFile } from "@/test/fixtures/pydicom";
import { parseDicom, type ParsedDicom } from "@/lib/dicom/parse";
import { decodeFrame, type DecodedFrame } from "@/lib/dicom/decode";

/** Test-only helpers over pydicom's real files. */
export function readTestFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(pydicomFile(name)));
}

export function parseTestFile(name: string): ParsedDicom {
  return parseDicom(readTestFile(name));
}

export function decodeTestFile(name: string, frame = 0): Promise<DecodedFrame> {
  return decodeFrame(parseTestFile(name), frame);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

export function rgbAt(frame: DecodedFrame, row: number, col: number): number[] {
  const i = (row * frame.columns + col) * 3;
  return Array.from(frame.data.subarray(i, i + 3));
}

/** A minimal Part 10 file: preamble, DICM, meta header with the given transfer syntax, then `dataset` bytes as-is. */
export function buildPart10(transferSyntaxUid: string, dataset: Uint8Array): Uint8Array {
  const el = encodeElement;
  const ui = (s: string) => new TextEncoder().encode(s.length % 2 ? `${s}\0` : s);
  const body = concat(
    el(2, 1, "OB", new Uint8Array([0, 1])),
    el(2, 2, "UI", ui("1.2.840.10008.5.1.4.1.1.7")),
    el(2, 3, "UI", ui("1.2.3.4.5.6.7")),
    el(2, 0x10, "UI", ui(transferSyntaxUid)),
  );
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, body.length, true);
  return concat(new Uint8Array(128), new TextEncoder().encode("DICM"), el(2, 0, "UL", len), body, dataset);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
