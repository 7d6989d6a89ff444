import type { DataSet, Element } from "dicom-parser";
import { formatTag, isPrivateTag, lookupTag } from "./dictionary";
import { readText } from "./text";

/** One row of the viewer's tag panel. JSON-safe; binary and huge values are summarised. */
export interface DicomTag {
  tag: string; // "(0010,0010)"
  keyword: string; // "PatientName", "" when unknown, "Private" for odd groups
  vr: string;
  value: string;
}

const TEXT_VRS = new Set(["AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT"]);
const NUMERIC: Record<string, { size: number; read: (ds: DataSet, tag: string, i: number) => number | string | undefined }> = {
  US: { size: 2, read: (ds, t, i) => ds.uint16(t, i) },
  SS: { size: 2, read: (ds, t, i) => ds.int16(t, i) },
  UL: { size: 4, read: (ds, t, i) => ds.uint32(t, i) },
  SL: { size: 4, read: (ds, t, i) => ds.int32(t, i) },
  FL: { size: 4, read: (ds, t, i) => ds.float(t, i) },
  FD: { size: 8, read: (ds, t, i) => ds.double(t, i) },
  AT: { size: 4, read: (ds, t) => ds.attributeTag(t) },
};
const SKIP = new Set(["x7fe00010", "x7fe00008", "x7fe00009", "xfffee000", "xfffee00d", "xfffee0dd"]);
const MAX_TEXT = 256;
const MAX_NUMBERS = 16;

/**
 * The top-level elements as tag-panel rows, in tag order, within `maxBytes` of JSON (roughly): a
 * file with thousands of private elements keeps its first rows and says how many it dropped.
 */
export function summarizeTags(dataSet: DataSet, decoder: TextDecoder, maxBytes = Infinity): { tags: DicomTag[]; omitted: number } {
  const out: DicomTag[] = [];
  const keys = Object.keys(dataSet.elements).sort();
  let size = 0;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (SKIP.has(key)) continue;
    const el = dataSet.elements[key];
    const info = lookupTag(key);
    const priv = isPrivateTag(key);
    const vr = el.vr ?? (el.items ? "SQ" : info?.vr ?? "UN");
    const row = { tag: formatTag(key), keyword: priv ? "Private" : info?.keyword ?? "", vr, value: describeValue(dataSet, el, vr, decoder) };
    size += 40 + row.tag.length + row.keyword.length + row.vr.length + row.value.length;
    if (size > maxBytes) return { tags: out, omitted: keys.slice(k).filter((x) => !SKIP.has(x)).length };
    out.push(row);
  }
  return { tags: out, omitted: 0 };
}

/** Every data element, nested sequence items included. */
export function countElements(dataSet: DataSet, stopAbove = Infinity): number {
  let n = 0;
  const stack: DataSet[] = [dataSet];
  while (stack.length > 0 && n <= stopAbove) {
    const ds = stack.pop()!;
    for (const key in ds.elements) {
      n++;
      const items = ds.elements[key].items;
      if (items) for (const it of items) if (it.dataSet) stack.push(it.dataSet);
    }
  }
  return n;
}

function describeValue(ds: DataSet, el: Element, vr: string, decoder: TextDecoder): string {
  if (el.items) return `[${el.items.length} item${el.items.length === 1 ? "" : "s"}]`;
  if (el.length === 0) return "";
  if (TEXT_VRS.has(vr)) {
    const s = readText(ds, el, decoder) ?? "";
    return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
  }
  const num = NUMERIC[vr];
  if (num) {
    if (vr === "AT") return num.read(ds, el.tag, 0)?.toString() ?? "";
    const n = Math.floor(el.length / num.size);
    const vals: string[] = [];
    for (let i = 0; i < Math.min(n, MAX_NUMBERS); i++) vals.push(String(num.read(ds, el.tag, i)));
    return n > MAX_NUMBERS ? `${vals.join("\\")}\\… (${n} values)` : vals.join("\\");
  }
  return `<${vr} ${el.length} bytes>`;
}
