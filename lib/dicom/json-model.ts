/**
 * The DICOM JSON Model (PS3.18 Annex F) of one instance's header, for WADO-RS `/metadata` and
 * QIDO-RS (lib/dicomweb). Read with dcmjs (its data dictionary knows the VR of implicit-VR files),
 * in a decode worker thread (`dicomJsonOffThread`), after `parseDicom` has checked the file against
 * the image limits (element count, inflation).
 *
 * Pixel Data is left out (it is served by the frames and instance routes); other binary values are
 * given inline (InlineBinary, base64) up to 4 KiB and otherwise left out. The stored transfer
 * syntax is given as Available Transfer Syntax UID (0008,3002), as OHIF reads it.
 */
import { dcmjs } from "@/lib/dicom/dcmjs-module";
import type { DicomJsonDataset } from "dcmjs";


export type DicomJson = Record<string, { vr: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string }>;

const BINARY_VRS = new Set(["OB", "OW", "OF", "OD", "OL", "OV", "UN"]);
const INLINE_LIMIT = 4096;

function toBase64(v: unknown): string | null {
  if (v instanceof ArrayBuffer) return Buffer.from(v).toString("base64");
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  return null;
}

function byteLength(values: unknown[]): number {
  let n = 0;
  for (const v of values) n += v instanceof ArrayBuffer ? v.byteLength : ArrayBuffer.isView(v) ? v.byteLength : 0;
  return n;
}

function clean(ds: DicomJsonDataset): DicomJson {
  const out: DicomJson = {};
  for (const [tag, el] of Object.entries(ds)) {
    const key = tag.toUpperCase();
    if (key === "7FE00010" || key === "7FE00008" || key === "7FE00009") continue;
    if (BINARY_VRS.has(el.vr)) {
      const values = el.Value ?? [];
      if (!values.length) {
        out[key] = { vr: el.vr };
        continue;
      }
      if (byteLength(values) > INLINE_LIMIT) continue;
      const b64 = values.length === 1 ? toBase64(values[0]) : null;
      if (b64 !== null) out[key] = { vr: el.vr, InlineBinary: b64 };
      continue;
    }
    if (el.vr === "SQ") {
      out[key] = { vr: "SQ", ...(el.Value?.length ? { Value: (el.Value as DicomJsonDataset[]).map((item) => clean(item)) } : {}) };
      continue;
    }
    const values = (el.Value ?? []).filter((v) => v !== undefined);
    out[key] = values.length ? { vr: el.vr, Value: values } : { vr: el.vr };
  }
  return out;
}

/** The instance's header as DICOM JSON (without Pixel Data), and its stored transfer syntax. */
export function dicomJsonModel(bytes: Uint8Array): { dataset: DicomJson; transferSyntaxUid: string | null } {
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
  const file = dcmjs.data.DicomMessage.readFile(buffer, { untilTag: "7FE00010", includeUntilTagValue: false, ignoreErrors: true });
  const ts = (file.meta["00020010"]?.Value?.[0] as string | undefined)?.trim() ?? null;
  const dataset = clean(file.dict);
  if (ts) dataset["00083002"] = { vr: "UI", Value: [ts] };
  return { dataset, transferSyntaxUid: ts };
}
