import dcmjs from "dcmjs";

/** DICOM data dictionary lookups (PS3.6), backed by dcmjs's generated dictionary. */
export interface TagInfo {
  keyword: string;
  vr: string;
}

const DICT = dcmjs.data.DicomMetaDictionary.dictionary;

/** "x00100010" (dicom-parser style) → "(0010,0010)". */
export function formatTag(tag: string): string {
  const hex = tag.replace(/^x/i, "").toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4, 8)})`;
}

export function isPrivateTag(tag: string): boolean {
  const group = parseInt(tag.replace(/^x/i, "").slice(0, 4), 16);
  return group % 2 === 1;
}

export function lookupTag(tag: string): TagInfo | undefined {
  const key = formatTag(tag);
  let entry = DICT[key];
  if (!entry) {
    // Repeating groups such as (60xx,3000) overlay data, (50xx,....) curves.
    const g = key.slice(1, 5);
    const e = key.slice(6, 10);
    entry = DICT[`(${g.slice(0, 2)}xx,${e})`];
  }
  if (!entry) return undefined;
  return { keyword: entry.name, vr: entry.vr.split("|")[0].trim() };
}
