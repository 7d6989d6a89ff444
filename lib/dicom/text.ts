import type { DataSet, Element } from "dicom-parser";

/** Text values: character-set aware reading and the clinic-friendly forms of PN and DA. */

const CHARSETS: Record<string, string> = {
  "ISO_IR 192": "utf-8",
  "ISO_IR 100": "latin1",
  "ISO_IR 101": "iso-8859-2",
  "ISO_IR 109": "iso-8859-3",
  "ISO_IR 110": "iso-8859-4",
  "ISO_IR 144": "iso-8859-5",
  "ISO_IR 127": "iso-8859-6",
  "ISO_IR 126": "iso-8859-7",
  "ISO_IR 138": "iso-8859-8",
  "ISO_IR 148": "iso-8859-9",
  "ISO_IR 13": "shift_jis",
  "ISO_IR 166": "windows-874",
  GB18030: "gb18030",
  GBK: "gbk",
};

/**
 * A decoder for the dataset's Specific Character Set (0008,0005). Code extensions (ISO 2022
 * escape sequences) are not interpreted: the first named set is used, which is right for the
 * single-byte sets and UTF-8 that almost every modern modality writes.
 */
export function textDecoderFor(dataSet: DataSet): TextDecoder {
  const raw = dataSet.string("x00080005") ?? "";
  const first = raw.split("\\").map((s) => s.trim()).find((s) => s.length > 0) ?? "";
  const label = CHARSETS[first.replace(/^ISO 2022 /, "")] ?? "latin1";
  try {
    return new TextDecoder(label);
  } catch {
    return new TextDecoder("latin1");
  }
}

/** Raw string value of an element (padding trimmed), or undefined when absent/empty. */
export function readText(dataSet: DataSet, element: Element | undefined, decoder: TextDecoder): string | undefined {
  if (!element || element.length === 0 || element.length === undefined) return undefined;
  if ((element as { Value?: unknown }).Value !== undefined) return String((element as { Value?: unknown }).Value);
  const end = Math.min(element.dataOffset + element.length, dataSet.byteArray.length);
  const bytes = dataSet.byteArray.subarray(element.dataOffset, end);
  const s = decoder.decode(bytes).replace(/[\0 ]+$/, "").replace(/^ +/, "");
  return s.length > 0 ? s : undefined;
}

/**
 * DICOM PN "Family^Given^Middle^Prefix^Suffix" (alphabetic group only) → "Family, Prefix Given Middle, Suffix".
 * e.g. "Doe^John^Q^Dr^Jr" → "Doe, Dr John Q, Jr"; "CompressedSamples^MR1" → "CompressedSamples, MR1".
 */
export function formatPersonName(pn: string | undefined): string | undefined {
  if (!pn) return undefined;
  const alphabetic = pn.split("=")[0] ?? "";
  const [family = "", given = "", middle = "", prefix = "", suffix = ""] = alphabetic.split("^").map((s) => s.trim());
  const rest = [prefix, given, middle].filter(Boolean).join(" ");
  const out = [family, rest, suffix].filter(Boolean).join(", ");
  return out.length > 0 ? out : undefined;
}

/** DICOM DA (YYYYMMDD, or the retired YYYY.MM.DD) → ISO YYYY-MM-DD when it is a real calendar date. */
export function isoDate(da: string | undefined): string | undefined {
  if (!da) return undefined;
  const m = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(da.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}
