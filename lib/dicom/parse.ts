import dicomParser, { type DataSet } from "dicom-parser";
import { inflateRawSync } from "node:zlib";
import { DicomError, describeThrown } from "./errors";
import { countElements, summarizeTags, type DicomTag } from "./tags";
import { imageLimits, type ImageLimits } from "./limits";
import { formatPersonName, isoDate, readText, textDecoderFor } from "./text";
import {
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  transferSyntaxInfo,
  type TransferSyntaxInfo,
} from "./transfer-syntax";

/** JSON-safe description of one DICOM instance (what a Scan row stores). Absent values are null. */
export interface DicomMetadata {
  patientId: string | null;
  patientName: string | null;
  patientBirthDate: string | null;
  patientSex: string | null;
  modality: string | null;
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  sopClassUid: string | null;
  studyDate: string | null;
  acquisitionDate: string | null;
  bodyPartExamined: string | null;
  rows: number | null;
  columns: number | null;
  numberOfFrames: number;
  samplesPerPixel: number;
  photometricInterpretation: string | null;
  bitsAllocated: number | null;
  bitsStored: number | null;
  highBit: number | null;
  pixelRepresentation: number;
  planarConfiguration: number;
  rescaleSlope: number;
  rescaleIntercept: number;
  windowCenter: number | null;
  windowWidth: number | null;
  /** [row spacing, column spacing] in mm. */
  pixelSpacing: [number, number] | null;
  /** Image Orientation (Patient) (0020,0037): row then column direction cosines; read by the model's physical-space preprocessing */
  imageOrientationPatient: [number, number, number, number, number, number] | null;
  transferSyntaxUid: string;
  transferSyntaxName: string;
  hasPixelData: boolean;
  /** False when the file had no Part 10 preamble/meta header and the transfer syntax was inferred. */
  hasFileMeta: boolean;
}

export interface ParsedDicom {
  metadata: DicomMetadata;
  /** The tag panel's rows, within the limits' tag-summary budget. */
  tags: DicomTag[];
  /** Top-level elements left out of `tags` by that budget. */
  tagsOmitted: number;
  transferSyntax: TransferSyntaxInfo;
  /** dicom-parser's dataset (byte offsets into the possibly inflated bytes); used by decode. */
  dataSet: DataSet;
}

export interface ParseOptions {
  /** Ceiling for a Deflated Explicit VR LE dataset after inflation (zip-bomb guard). Default 512 MiB. */
  maxInflatedBytes?: number;
  /** Element count and tag-summary limits (default: `imageLimits()`, from the environment). */
  limits?: ImageLimits;
}

export const DEFAULT_MAX_INFLATED_BYTES = 512 * 1024 * 1024;

const PREAMBLE = 128;

/**
 * Parse a DICOM file.
 *
 * Accepted inputs (decided deliberately — uploads come from PACS exports, CD-ROMs and old archives):
 * - Part 10 files: 128-byte preamble + "DICM" + meta header. The normal case.
 * - "DICM" at offset 0 (preamble stripped by some writers): treated as Part 10.
 * - A raw dataset without preamble or meta header (ACR-NEMA style, e.g. pydicom's no_meta.dcm),
 *   only when it clearly is one: the first element is in group 0008 with a small element number,
 *   and the parsed result has a SOP Class UID, Modality or Study Instance UID. The transfer syntax
 *   is inferred (implicit LE, explicit LE or explicit BE from the byte layout) and
 *   `metadata.hasFileMeta` is false. Anything else is `not_dicom`.
 */
export function parseDicom(bytes: Uint8Array, opts: ParseOptions = {}): ParsedDicom {
  if (!bytes || bytes.length === 0) throw new DicomError("empty", "The file is empty.");
  const maxInflated = opts.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES;
  const input = bytes instanceof Uint8Array && !(bytes instanceof Buffer) ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let dataSet: DataSet;
  let hasFileMeta = true;
  if (hasMagicAt(input, PREAMBLE)) {
    dataSet = parsePart10(input, maxInflated);
  } else if (hasMagicAt(input, 0)) {
    const withPreamble = new Uint8Array(input.length + PREAMBLE);
    withPreamble.set(input, PREAMBLE);
    dataSet = parsePart10(withPreamble, maxInflated);
  } else {
    const ts = guessRawTransferSyntax(input, 0);
    if (!ts) throw notDicom();
    dataSet = parseRaw(input, ts);
    hasFileMeta = false;
    if (!dataSet.elements.x00080016 && !dataSet.elements.x00080060 && !dataSet.elements.x0020000d) throw notDicom();
  }

  checkNotTruncated(dataSet);
  const limits = opts.limits ?? imageLimits();
  const elements = countElements(dataSet, limits.maxElements);
  if (elements > limits.maxElements) {
    throw new DicomError("too_many_elements", `The DICOM file holds more than ${limits.maxElements.toLocaleString("en")} data elements; files this complex are refused.`, {
      details: { maxElements: limits.maxElements },
    });
  }
  const tsUid = (dataSet.string("x00020010") ?? "").replace(/\0/g, "").trim() || IMPLICIT_VR_LITTLE_ENDIAN;
  const transferSyntax = transferSyntaxInfo(tsUid);
  const decoder = textDecoderFor(dataSet);
  const { tags, omitted } = summarizeTags(dataSet, decoder, limits.maxTagSummaryBytes);
  return { metadata: extractMetadata(dataSet, transferSyntax, decoder, hasFileMeta), tags, tagsOmitted: omitted, transferSyntax, dataSet };
}

function notDicom(detail?: string): DicomError {
  return new DicomError("not_dicom", "This file is not a DICOM image (no DICOM header was found). Export the study from the PACS as DICOM, PNG or JPEG.", {
    details: detail ? { parser: detail } : undefined,
  });
}

function truncated(detail?: string): DicomError {
  return new DicomError("truncated", "The DICOM file is incomplete (it ends part-way through its data). Upload it again or re-export it from the PACS.", {
    details: detail ? { parser: detail } : undefined,
  });
}

function hasMagicAt(b: Uint8Array, at: number): boolean {
  return b.length >= at + 4 && b[at] === 0x44 && b[at + 1] === 0x49 && b[at + 2] === 0x43 && b[at + 3] === 0x4d;
}

const TRUNCATION_HINTS = /position|buffer overread|beyond|greater than|end of (?:buffer|stream|file)|overrun|attempt to read/i;

function parsePart10(bytes: Uint8Array, maxInflated: number): DataSet {
  try {
    return dicomParser.parseDicom(bytes, { inflater: (arr: Uint8Array, position: number) => inflate(arr, position, maxInflated) } as never);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    const msg = describeThrown(e);
    if (/missing required meta header attribute 0002,0010/.test(msg)) return parseWithoutTransferSyntax(bytes);
    if (/DICM prefix not found/.test(msg)) throw notDicom(msg);
    if (TRUNCATION_HINTS.test(msg)) throw truncated(msg);
    throw new DicomError("not_dicom", "The DICOM file is malformed and could not be read.", { cause: e, details: { parser: msg } });
  }
}

/** A Part 10 header that lacks (0002,0010): infer the dataset's encoding from its first bytes. */
function parseWithoutTransferSyntax(bytes: Uint8Array): DataSet {
  let pos = PREAMBLE + 4;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (pos + 8 <= bytes.length && view.getUint16(pos, true) === 0x0002) {
    const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
    if (["OB", "OW", "SQ", "UN", "UT", "UC", "UR", "OF", "OD", "OL", "OV"].includes(vr)) pos += 12 + view.getUint32(pos + 8, true);
    else pos += 8 + view.getUint16(pos + 6, true);
  }
  const rest = bytes.subarray(pos);
  const ts = guessRawTransferSyntax(rest, 0);
  if (!ts) throw notDicom("meta header has no transfer syntax and the dataset encoding is not recognisable");
  return parseRaw(rest, ts);
}

function parseRaw(bytes: Uint8Array, ts: string): DataSet {
  try {
    const ds = dicomParser.parseDicom(bytes, { TransferSyntaxUID: ts });
    // dicom-parser records the assumed syntax as a synthetic element with a Value.
    return ds;
  } catch (e) {
    const msg = describeThrown(e);
    if (TRUNCATION_HINTS.test(msg)) throw truncated(msg);
    throw notDicom(msg);
  }
}

const VR_CODES = new Set(
  "AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV".split(" "),
);

/** Recognise a raw dataset: its first tag must be in group 0008 (or 0002/0010 rarely) with a small element number. */
function guessRawTransferSyntax(b: Uint8Array, at: number): string | undefined {
  if (b.length < at + 8) return undefined;
  const vr = String.fromCharCode(b[at + 4], b[at + 5]);
  const explicit = VR_CODES.has(vr);
  const groupLE = b[at] | (b[at + 1] << 8);
  const elemLE = b[at + 2] | (b[at + 3] << 8);
  const groupBE = (b[at] << 8) | b[at + 1];
  const elemBE = (b[at + 2] << 8) | b[at + 3];
  const plausible = (g: number, e: number) => g === 0x0008 && e <= 0x0100;
  if (plausible(groupLE, elemLE)) return explicit ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
  if (plausible(groupBE, elemBE) && explicit) return EXPLICIT_VR_BIG_ENDIAN;
  return undefined;
}

function inflate(arr: Uint8Array, position: number, maxInflated: number): Uint8Array {
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: maxInflated });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
      throw new DicomError(
        "deflate_too_large",
        `The compressed (deflated) DICOM file expands to more than ${Math.round(maxInflated / 1048576)} MiB and was refused.`,
        { cause: e, details: { maxInflatedBytes: maxInflated } },
      );
    }
    if (code === "Z_BUF_ERROR") throw truncated(describeThrown(e));
    throw new DicomError("not_dicom", "The deflated DICOM data set is corrupt and could not be inflated.", { cause: e });
  }
  const full = new Uint8Array(position + inflated.length);
  full.set(arr.subarray(0, position), 0);
  full.set(inflated, position);
  return full;
}

function checkNotTruncated(ds: DataSet): void {
  const size = ds.byteArray.length;
  for (const key in ds.elements) {
    const el = ds.elements[key];
    if ((el as { Value?: unknown }).Value !== undefined) continue;
    if (el.dataOffset > size || (el.length > 0 && el.length !== 0xffffffff && el.dataOffset + el.length > size)) {
      throw truncated(`element ${key} ends at ${el.dataOffset + el.length}, file has ${size} bytes`);
    }
    if (el.fragments) {
      for (const f of el.fragments) if (f.position + f.length > size) throw truncated(`pixel data fragment ends past the end of the file`);
    }
  }
}

function numberOr<T>(v: number | undefined, fallback: T): number | T {
  return v === undefined || Number.isNaN(v) ? fallback : v;
}

function extractMetadata(ds: DataSet, ts: TransferSyntaxInfo, decoder: TextDecoder, hasFileMeta: boolean): DicomMetadata {
  const text = (tag: string) => readText(ds, ds.elements[tag], decoder) ?? null;
  const str = (tag: string) => ds.string(tag)?.replace(/\0/g, "").trim() || null;
  const us = (tag: string) => (ds.elements[tag] && ds.elements[tag].length >= 2 ? ds.uint16(tag) : undefined);
  const ds0 = (tag: string, i = 0) => {
    const v = ds.floatString(tag, i);
    return v === undefined || !Number.isFinite(v) ? undefined : v;
  };
  const frames = ds.intString("x00280008");
  const spacingR = ds0("x00280030", 0);
  const spacingC = ds0("x00280030", 1);
  const slope = ds0("x00281053");
  const iop = [0, 1, 2, 3, 4, 5].map((i) => ds0("x00200037", i));
  return {
    patientId: text("x00100020"),
    patientName: formatPersonName(text("x00100010") ?? undefined) ?? null,
    patientBirthDate: isoDate(str("x00100030") ?? undefined) ?? null,
    patientSex: str("x00100040"),
    modality: str("x00080060"),
    studyInstanceUid: str("x0020000d"),
    seriesInstanceUid: str("x0020000e"),
    sopInstanceUid: str("x00080018") ?? str("x00020003"),
    sopClassUid: str("x00080016") ?? str("x00020002"),
    studyDate: isoDate(str("x00080020") ?? undefined) ?? null,
    acquisitionDate: isoDate(str("x00080022") ?? undefined) ?? isoDate(str("x0008002a")?.slice(0, 8)) ?? null,
    bodyPartExamined: text("x00180015"),
    rows: numberOr(us("x00280010"), null),
    columns: numberOr(us("x00280011"), null),
    numberOfFrames: frames !== undefined && Number.isFinite(frames) && frames > 0 ? frames : 1,
    samplesPerPixel: numberOr(us("x00280002"), 1),
    photometricInterpretation: str("x00280004"),
    bitsAllocated: numberOr(us("x00280100"), null),
    bitsStored: numberOr(us("x00280101"), null),
    highBit: numberOr(us("x00280102"), null),
    pixelRepresentation: numberOr(us("x00280103"), 0),
    planarConfiguration: numberOr(us("x00280006"), 0),
    rescaleSlope: slope === undefined || slope === 0 ? 1 : slope,
    rescaleIntercept: numberOr(ds0("x00281052"), 0),
    windowCenter: numberOr(ds0("x00281050"), null),
    windowWidth: numberOr(ds0("x00281051"), null),
    pixelSpacing: spacingR !== undefined && spacingC !== undefined ? [spacingR, spacingC] : null,
    imageOrientationPatient: iop.every((v) => v !== undefined) ? (iop as [number, number, number, number, number, number]) : null,
    transferSyntaxUid: ts.uid,
    transferSyntaxName: ts.name,
    hasPixelData: Boolean(ds.elements.x7fe00010 ?? ds.elements.x7fe00008 ?? ds.elements.x7fe00009),
    hasFileMeta,
  };
}
