import { createHmac } from "node:crypto";
import dcmjs, { type DicomElement, type DicomJsonDataset } from "dcmjs";
import { DicomError, describeThrown } from "./errors";
import { DEID_METHOD_CODES, profileRule } from "./ps3-15-basic-profile";
import type { DicomTag } from "./tags";
import { DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN } from "./transfer-syntax";

/**
 * De-identification per DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile
 * (action table in ps3-15-basic-profile.ts), optionally with the "Retain Longitudinal Temporal
 * Information with Modified Dates" option (every DA / DT shifted by `dateShiftDays`).
 *
 * Not covered: text burned into the pixels (check Burned In Annotation before export) and
 * identifiers hidden in free-text attributes that the table does not list.
 */
export interface DeidentifyOptions {
  /** Research pseudonym; becomes Patient's Name and Patient ID. */
  pseudonym: string;
  /** Shift every date by this many days (keeps intervals) instead of emptying dates. */
  dateShiftDays?: number;
  /**
   * Secret keying the UID hash (HMAC-SHA-256). The same UID always maps to the same new UID for the
   * same secret, so studies stay linked across files. Defaults to the pseudonym; pass a
   * project-wide secret so nobody who knows a pseudonym can confirm an original UID.
   */
  uidSecret?: string;
}

export const DEIDENTIFICATION_METHOD = "DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile (Fusion CDS)";

/** De-identify a DICOM file; the result is a valid Part 10 file in the same transfer syntax (deflated input is written uncompressed). */
export function deidentifyDicom(bytes: Uint8Array, opts: DeidentifyOptions): Uint8Array {
  checkOptions(opts);
  let dicomDict;
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    dicomDict = dcmjs.data.DicomMessage.readFile(buffer);
  } catch (e) {
    throw new DicomError("not_dicom", "This DICOM file could not be read for de-identification.", { cause: e, details: { reason: describeThrown(e) } });
  }
  const ctx = context(opts);
  processDataset(dicomDict.dict, ctx);

  const d = dicomDict.dict;
  d["00120062"] = { vr: "CS", Value: ["YES"] };
  d["00120063"] = { vr: "LO", Value: [DEIDENTIFICATION_METHOD] };
  d["00120064"] = { vr: "SQ", Value: codeItems(opts) as unknown[] };
  d["00280303"] = { vr: "CS", Value: [opts.dateShiftDays !== undefined ? "MODIFIED" : "REMOVED"] };

  const meta = dicomDict.meta;
  const sop = d["00080018"]?.Value?.[0];
  if (typeof sop === "string") meta["00020003"] = { vr: "UI", Value: [sop] };
  else if (meta["00020003"]?.Value?.[0]) meta["00020003"] = { vr: "UI", Value: [ctx.uid(String(meta["00020003"].Value[0]))] };
  if (meta["00020010"]?.Value?.[0] === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) meta["00020010"] = { vr: "UI", Value: [EXPLICIT_VR_LITTLE_ENDIAN] };
  try {
    return new Uint8Array(dicomDict.write({ allowInvalidVRLength: true }));
  } catch (e) {
    throw new DicomError("decode_failed", "The de-identified DICOM file could not be written.", { cause: e, details: { reason: describeThrown(e) } });
  }
}

/** Apply the same profile to a tag-panel summary (for exported metadata JSON). */
export function deidentifyTags(tags: readonly DicomTag[], opts: DeidentifyOptions): DicomTag[] {
  checkOptions(opts);
  const ctx = context(opts);
  const out: DicomTag[] = [];
  for (const t of tags) {
    const key = t.tag.replace(/[(),]/g, "").toUpperCase();
    if (isPrivate(key)) continue;
    const rule = profileRule(key);
    const isDate = t.vr === "DA" || t.vr === "DT";
    if (isDate && ctx.shift !== undefined && key !== "00100030") {
      out.push({ ...t, value: t.value.split("\\").map((v) => shiftDate(v, t.vr, ctx.shift!)).join("\\") });
      continue;
    }
    const action = rule?.action ?? (t.vr === "PN" ? "X" : "K");
    if (action === "X") continue;
    if (action === "Z") out.push({ ...t, value: "" });
    else if (action === "D") out.push({ ...t, value: ctx.pseudonym });
    else if (action === "U") out.push({ ...t, value: t.value.split("\\").filter(Boolean).map(ctx.uid).join("\\") });
    else out.push({ ...t });
  }
  out.push({ tag: "(0012,0062)", keyword: "PatientIdentityRemoved", vr: "CS", value: "YES" });
  out.push({ tag: "(0012,0063)", keyword: "DeidentificationMethod", vr: "LO", value: DEIDENTIFICATION_METHOD });
  return out.filter((t, i, all) => all.findIndex((u) => u.tag === t.tag) === i);
}

/** The consistent replacement for one UID: "2.25." + 128 bits of HMAC-SHA-256(secret, uid). */
export function hashedUid(uid: string, secret: string): string {
  const digest = createHmac("sha256", secret).update(uid.trim()).digest();
  let n = 0n;
  for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(digest[i]);
  return `2.25.${n.toString()}`;
}

interface Context {
  pseudonym: string;
  shift?: number;
  uid: (uid: string) => string;
}

function context(opts: DeidentifyOptions): Context {
  const secret = opts.uidSecret ?? opts.pseudonym;
  const cache = new Map<string, string>();
  return {
    pseudonym: opts.pseudonym,
    shift: opts.dateShiftDays,
    uid: (u: string) => {
      let v = cache.get(u);
      if (!v) cache.set(u, (v = hashedUid(u, secret)));
      return v;
    },
  };
}

function checkOptions(opts: DeidentifyOptions): void {
  if (!opts || typeof opts.pseudonym !== "string" || opts.pseudonym.trim().length === 0 || opts.pseudonym.length > 64) {
    throw new TypeError("deidentify: a pseudonym of 1–64 characters is required");
  }
  if (opts.dateShiftDays !== undefined && !Number.isInteger(opts.dateShiftDays)) throw new TypeError("deidentify: dateShiftDays must be an integer");
}

function isPrivate(tag: string): boolean {
  return parseInt(tag.slice(0, 4), 16) % 2 === 1;
}

function processDataset(ds: DicomJsonDataset, ctx: Context): void {
  for (const tag of Object.keys(ds)) {
    const el = ds[tag];
    if (isPrivate(tag)) {
      delete ds[tag];
      continue;
    }
    const rule = profileRule(tag);
    const isDate = el.vr === "DA" || el.vr === "DT";
    if (isDate && ctx.shift !== undefined && tag !== "00100030") {
      el.Value = (el.Value ?? []).map((v) => (typeof v === "string" ? shiftDate(v, el.vr, ctx.shift!) : v));
      continue;
    }
    const action = rule?.action ?? (el.vr === "PN" ? "X" : "K");
    switch (action) {
      case "X":
        delete ds[tag];
        break;
      case "Z":
        ds[tag] = { vr: el.vr, Value: [] };
        break;
      case "D":
        ds[tag] = { vr: el.vr, Value: [el.vr === "PN" ? { Alphabetic: ctx.pseudonym } : ctx.pseudonym] };
        break;
      case "U":
        ds[tag] = { vr: el.vr, Value: (el.Value ?? []).map((v) => (typeof v === "string" && v.length > 0 ? ctx.uid(v) : v)) };
        break;
      case "K":
        if (el.vr === "SQ") for (const item of (el.Value ?? []) as DicomJsonDataset[]) if (item && typeof item === "object") processDataset(item, ctx);
        break;
    }
  }
}

function codeItems(opts: DeidentifyOptions): Record<string, DicomElement>[] {
  const codes = opts.dateShiftDays !== undefined ? [DEID_METHOD_CODES.basic, DEID_METHOD_CODES.modifiedDates] : [DEID_METHOD_CODES.basic];
  return codes.map((c) => ({
    "00080100": { vr: "SH", Value: [c.CodeValue] },
    "00080102": { vr: "SH", Value: [c.CodingSchemeDesignator] },
    "00080104": { vr: "LO", Value: [c.CodeMeaning] },
  }));
}

/** Shift a DA (YYYYMMDD) or the date part of a DT by whole days; unparseable values are emptied. */
function shiftDate(value: string, vr: string, days: number): string {
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})(.*)$/.exec(value.trim());
  if (!m) return "";
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return "";
  d.setUTCDate(d.getUTCDate() + days);
  const iso = d.toISOString().slice(0, 10).replace(/-/g, "");
  return vr === "DT" ? iso + m[4] : iso;
}
