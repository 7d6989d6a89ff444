// Hand-built DICOM files for hostile-input tests: a few hundred bytes whose headers declare
// images far larger than their data (decompression bombs), and files with very many elements.
import { buildPart10, concat } from "./dicom-files";
import { encodeElement } from "@/lib/dicom/inflate-part10";

export const RLE_LOSSLESS = "1.2.840.10008.1.2.5";
export const EXPLICIT_LE = "1.2.840.10008.1.2.1";

const enc = new TextEncoder();
const pad = (s: string, with0 = false) => enc.encode(s.length % 2 ? s + (with0 ? "\0" : " ") : s);

/** One Explicit VR Little Endian element. */
export const el = encodeElement;
export const us = (n: number) => new Uint8Array(new Uint16Array([n]).buffer);
export const cs = (s: string) => pad(s);
export const ui = (s: string) => pad(s, true);

/** Image pixel module + identity for an 8-bit greyscale image of the declared size. */
function imageHeader(o: { rows: number; columns: number; frames?: number; patientId?: string; bodyPart?: string }): Uint8Array {
  return concat(
    el(0x0008, 0x0016, "UI", ui("1.2.840.10008.5.1.4.1.1.7")),
    el(0x0008, 0x0018, "UI", ui(`2.25.${o.rows}${o.columns}${o.frames ?? 1}`)),
    el(0x0008, 0x0060, "CS", cs("OT")),
    el(0x0010, 0x0010, "PN", pad("BOMB^TEST")),
    el(0x0010, 0x0020, "LO", pad(o.patientId ?? "BOMB-1")),
    ...(o.bodyPart ? [el(0x0018, 0x0015, "CS", pad(o.bodyPart))] : []),
    el(0x0028, 0x0002, "US", us(1)),
    el(0x0028, 0x0004, "CS", cs("MONOCHROME2")),
    ...(o.frames ? [el(0x0028, 0x0008, "IS", pad(String(o.frames)))] : []),
    el(0x0028, 0x0010, "US", us(o.rows)),
    el(0x0028, 0x0011, "US", us(o.columns)),
    el(0x0028, 0x0100, "US", us(8)),
    el(0x0028, 0x0101, "US", us(8)),
    el(0x0028, 0x0102, "US", us(7)),
    el(0x0028, 0x0103, "US", us(0)),
  );
}

/**
 * An RLE Lossless file whose header declares rows × columns but whose single segment holds only
 * `runs` PackBits replicate runs (2 bytes each → 128 pixels each): the shape of the 588-byte file
 * that declared 65535×65535 and killed the server.
 */
export function rleBomb(o: { rows: number; columns: number; runs?: number; frames?: number; patientId?: string }): Uint8Array {
  const runs = o.runs ?? 256;
  const segment = new Uint8Array(runs * 2);
  for (let i = 0; i < runs; i++) {
    segment[2 * i] = 0x81; // -127: repeat the next byte 128 times
    segment[2 * i + 1] = 40 + (i % 80);
  }
  const header = new Uint8Array(64);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 1, true); // one segment
  hv.setUint32(4, 64, true); // it starts right after the header
  const fragment = concat(header, segment);
  const item = (bytes: Uint8Array) => {
    const h = new Uint8Array(8);
    const v = new DataView(h.buffer);
    v.setUint16(0, 0xfffe, true);
    v.setUint16(2, 0xe000, true);
    v.setUint32(4, bytes.length, true);
    return concat(h, bytes);
  };
  const pixelHead = new Uint8Array(12);
  const pv = new DataView(pixelHead.buffer);
  pv.setUint16(0, 0x7fe0, true);
  pv.setUint16(2, 0x0010, true);
  pixelHead[4] = 0x4f; // O
  pixelHead[5] = 0x42; // B
  pv.setUint32(8, 0xffffffff, true); // undefined length: encapsulated
  const delimiter = new Uint8Array(8);
  const dv = new DataView(delimiter.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, 0xe0dd, true);
  const frames = o.frames ?? 1;
  const fragments = Array.from({ length: frames }, () => item(fragment));
  return buildPart10(RLE_LOSSLESS, concat(imageHeader(o), pixelHead, item(new Uint8Array(0)), ...fragments, delimiter));
}

/** A small valid native 8-bit image carrying `count` private elements (the "200,000 tags" file). */
export function manyElements(count: number, o: { rows?: number; columns?: number } = {}): Uint8Array {
  const rows = o.rows ?? 16;
  const columns = o.columns ?? 16;
  const value = pad("xx");
  // Private groups are odd; each gets its creator (gggg,0010) and block 0x10 (gggg,1000–10FE), in
  // ascending order between the image pixel module (0028) and Pixel Data (7FE0).
  const priv: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const group = 0x0029 + 2 * Math.floor(i / 0xff);
    if (i % 0xff === 0) priv.push(el(group, 0x0010, "LO", pad("FLOODER")));
    priv.push(el(group, 0x1000 + (i % 0xff), "LO", value));
  }
  const pixels = new Uint8Array(rows * columns).map((_, i) => i % 251);
  return buildPart10(
    EXPLICIT_LE,
    concat(
      el(0x0008, 0x0016, "UI", ui("1.2.840.10008.5.1.4.1.1.7")),
      el(0x0008, 0x0060, "CS", cs("OT")),
      el(0x0028, 0x0002, "US", us(1)),
      el(0x0028, 0x0004, "CS", cs("MONOCHROME2")),
      el(0x0028, 0x0010, "US", us(rows)),
      el(0x0028, 0x0011, "US", us(columns)),
      el(0x0028, 0x0100, "US", us(8)),
      el(0x0028, 0x0101, "US", us(8)),
      el(0x0028, 0x0102, "US", us(7)),
      el(0x0028, 0x0103, "US", us(0)),
      concatAll(priv),
      el(0x7fe0, 0x0010, "OB", pixels),
    ),
  );
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
