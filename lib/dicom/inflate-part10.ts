import { inflateRaw } from "node:zlib";
import { promisify } from "node:util";
import { DicomError } from "./errors";
import { DEFAULT_MAX_INFLATED_BYTES } from "./parse";
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN } from "./transfer-syntax";

const inflateRawAsync = promisify(inflateRaw);

/**
 * A Deflated Explicit VR Little Endian Part 10 file as the same file in Explicit VR Little Endian:
 * the data set inflated, the File Meta Information's Transfer Syntax UID (and group length)
 * rewritten, nothing else changed. The browser viewer's DICOM loader (dicom-parser inside
 * Cornerstone) cannot inflate on its own, so the scan-file route serves this to the viewer
 * (`?for=display`). Returns null when the file is not deflated (or has no Part 10 header).
 *
 * Inflation runs on zlib's thread pool (not the request thread) and is capped like parsing is
 * (`maxInflatedBytes`, zip-bomb guard). The meta group walk is a bounded loop over explicit-VR
 * little-endian elements, as PS3.10 requires the meta group to be.
 */
export async function explicitLittleEndianFromDeflated(bytes: Uint8Array, maxInflatedBytes = DEFAULT_MAX_INFLATED_BYTES): Promise<Uint8Array | null> {
  const meta = readFileMeta(bytes);
  if (!meta || meta.transferSyntaxUid !== DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) return null;
  let inflated: Buffer;
  try {
    inflated = await inflateRawAsync(bytes.subarray(meta.end), { maxOutputLength: maxInflatedBytes });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || /too large|maxOutputLength/i.test((e as Error).message))
      throw new DicomError("deflate_too_large", `The compressed (deflated) DICOM file expands to more than ${Math.round(maxInflatedBytes / 1048576)} MiB and was refused.`, { cause: e });
    throw new DicomError("not_dicom", "The deflated DICOM data set is corrupt and could not be inflated.", { cause: e });
  }
  const elements = meta.elements
    .filter((el) => !(el.group === 2 && el.element === 0))
    .map((el) => (el.element === 0x10 ? encodeElement(2, 0x10, "UI", uiValue(EXPLICIT_VR_LITTLE_ENDIAN)) : el.raw));
  const body = concat(elements);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, body.length, true);
  const preamble = bytes.subarray(0, 132); // 128-byte preamble + "DICM"
  return concat([preamble, encodeElement(2, 0, "UL", groupLength), body, inflated]);
}

type MetaElement = { group: number; element: number; raw: Uint8Array };

const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]);

/** The File Meta Information group of a Part 10 file (null when there is no "DICM" prefix). */
export function readFileMeta(bytes: Uint8Array): { elements: MetaElement[]; end: number; transferSyntaxUid: string | null } | null {
  if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== "DICM") return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements: MetaElement[] = [];
  let pos = 132;
  let transferSyntaxUid: string | null = null;
  while (pos + 8 <= bytes.length && view.getUint16(pos, true) === 0x0002 && elements.length < 1000) {
    const element = view.getUint16(pos + 2, true);
    const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
    const long = LONG_VRS.has(vr);
    const headLen = long ? 12 : 8;
    if (pos + headLen > bytes.length) break;
    const len = long ? view.getUint32(pos + 8, true) : view.getUint16(pos + 6, true);
    const end = pos + headLen + len;
    if (len === 0xffffffff || end > bytes.length) throw new DicomError("not_dicom", "The file's meta information header is damaged.");
    if (element === 0x10) transferSyntaxUid = new TextDecoder().decode(bytes.subarray(pos + headLen, end)).replace(/[\0 ]+$/, "");
    elements.push({ group: 2, element, raw: bytes.subarray(pos, end) });
    pos = end;
  }
  return { elements, end: pos, transferSyntaxUid };
}

function uiValue(uid: string): Uint8Array {
  return new TextEncoder().encode(uid.length % 2 ? `${uid}\0` : uid);
}

/** One Explicit VR Little Endian data element (also what the tests build their files with). */
export function encodeElement(group: number, element: number, vr: string, value: Uint8Array): Uint8Array {
  const long = LONG_VRS.has(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const v = new DataView(head.buffer);
  v.setUint16(0, group, true);
  v.setUint16(2, element, true);
  head[4] = vr.charCodeAt(0);
  head[5] = vr.charCodeAt(1);
  if (long) v.setUint32(8, value.length, true);
  else v.setUint16(6, value.length, true);
  return concat([head, value]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
