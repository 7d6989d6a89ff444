/**
 * Training snapshots: one Parquet file, one row per patient assessment — the de-identified
 * research export's columns (lib/export/README.md) plus the model's preprocessed image input.
 * Training and evaluation read only this file (never live tables); its SHA-256 identifies it.
 *
 * Columns read (others are ignored):
 *   patient_pseudonym     string, required — the unit of the patient-level split
 *   tab_<feature>         double — the record features, in file order. For the fusion encoder's
 *                         features (lib/export `features` group: tab_hist_age …) the order and
 *                         names must be the encoder's; any other set (e.g. the Wisconsin data) is
 *                         "generic": standardised on the training rows, not servable
 *   label_<head>          int32 0/1, null = not known yet (censored) — one per outcome head
 *   image_input           LIST<FLOAT> of size² values (the model's preprocessed image, row-major),
 *                         or null (no image); key-value metadata `fusion_cds.image_input` =
 *                         JSON { size, preprocessing } says how it was made
 *   sex, age_years        subgroups (female / male / other / unknown; whole years, 90 = 90+)
 *   aux_<name>            optional, double — auxiliary image targets (e.g. what a radiology
 *                         report states); a training signal for the image branch only
 *   true_risk_<head>      optional, synthetic cohorts only — the generator's true probability
 *   split                 optional, train / val / test — a partition fixed by whoever made the
 *                         snapshot (e.g. a temporal split); used instead of the patient hash
 * Smoking status for subgroups comes from tab_hist_smoking_current / tab_hist_smoking_former.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import { FEATURES } from "@/lib/fusion/encoders";
import type { ImageSpec } from "@/lib/fusion/encoders";

export const IMAGE_COLUMN = "image_input";
export const PSEUDONYM_COLUMN = "patient_pseudonym";
export const IMAGE_META_KEY = "fusion_cds.image_input";
/** The research export's column name of an encoder feature (lib/export/model-features.ts). */
export const tabColumn = (featureName: string) => `tab_${featureName.replace(/[^A-Za-z0-9]+/g, "_")}`;
export const ENCODER_TAB_COLUMNS = FEATURES.map((f) => tabColumn(f.name));

export class SnapshotError extends Error {
  constructor(
    readonly code: "snapshot_unreadable" | "snapshot_missing_column" | "snapshot_bad_value" | "snapshot_empty",
    message: string,
  ) {
    super(message);
    this.name = "SnapshotError";
  }
}

export type SmokingStatus = "current" | "former" | "never";

export type Snapshot = {
  path: string;
  sha256: string;
  n: number;
  columns: string[];
  /** tab_* column names in file order */
  features: string[];
  /** true when `features` are exactly the fusion encoder's (servable by lib/fusion) */
  encoderFeatures: boolean;
  heads: string[];
  patient: string[];
  sex: (string | null)[];
  age: (number | null)[];
  smoking: (SmokingStatus | null)[];
  /** n × features.length */
  tab: Float32Array;
  /** n × heads.length, NaN = unknown */
  labels: Float32Array;
  imageSize: number | null;
  /** n × imageSize², zeros where there is no image */
  images: Float32Array | null;
  hasImage: Uint8Array;
  imageSpec: (Partial<ImageSpec> & { size?: number }) | null;
  /** key-value metadata `fusion_cds.snapshot` (who made it, from what), when present */
  provenance: Record<string, unknown> | null;
  aux: { names: string[]; values: Float32Array } | null;
  trueRisk: Float32Array | null;
  /** the snapshot's own `split` column, when it has one */
  partition: ("train" | "val" | "test")[] | null;
};

export async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

async function open(file: string) {
  try {
    const buf = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buf);
    return { buf, metadata };
  } catch (e) {
    throw new SnapshotError("snapshot_unreadable", `${file} is not a readable Parquet file: ${(e as Error).message}`);
  }
}

/** SHA-256, row count and column names, without reading the rows. */
export async function snapshotInfo(file: string): Promise<{ sha256: string; rows: number; columns: string[] }> {
  const { metadata } = await open(file);
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  return { sha256: await sha256File(file), rows: Number(metadata.num_rows), columns };
}

const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v == null ? NaN : Number(v));

/** A list cell as float32: a LIST of numbers, or (tolerated) raw little-endian float32 bytes. */
function listValues(v: unknown): ArrayLike<number> | null {
  if (v == null) return null;
  if (Array.isArray(v) || v instanceof Float32Array || v instanceof Float64Array) return v as ArrayLike<number>;
  if (v instanceof Uint8Array) {
    const f = new Float32Array(v.byteLength / 4);
    new Uint8Array(f.buffer).set(v);
    return f;
  }
  return null;
}

/** Reads the whole snapshot into typed arrays (one row group at a time). */
export async function loadSnapshot(file: string, opts: { withImages?: boolean } = {}): Promise<Snapshot> {
  const withImages = opts.withImages ?? true;
  const { buf, metadata } = await open(file);
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const n = Number(metadata.num_rows);
  if (!n) throw new SnapshotError("snapshot_empty", `${file} has no rows.`);
  if (!columns.includes(PSEUDONYM_COLUMN)) throw new SnapshotError("snapshot_missing_column", `${file} has no ${PSEUDONYM_COLUMN} column: the patient-level split needs it.`);
  const features = columns.filter((c) => c.startsWith("tab_"));
  if (!features.length) throw new SnapshotError("snapshot_missing_column", `${file} has no tab_* feature columns (the research export's "features" group).`);
  const heads = columns.filter((c) => c.startsWith("label_")).map((c) => c.slice(6));
  if (!heads.length) throw new SnapshotError("snapshot_missing_column", `${file} has no label_<head> columns (the research export's "labels" group).`);
  const encoderFeatures = features.length === ENCODER_TAB_COLUMNS.length && features.every((f, i) => f === ENCODER_TAB_COLUMNS[i]);
  const missingEncoder = ENCODER_TAB_COLUMNS.filter((c) => !features.includes(c));
  if (features.some((f) => ENCODER_TAB_COLUMNS.includes(f)) && missingEncoder.length)
    throw new SnapshotError("snapshot_missing_column", `${file} has some of the encoder's feature columns but not ${missingEncoder.slice(0, 5).join(", ")}${missingEncoder.length > 5 ? ` and ${missingEncoder.length - 5} more` : ""}.`);
  const auxNames = columns.filter((c) => c.startsWith("aux_"));
  const hasTrueRisk = heads.every((h) => columns.includes(`true_risk_${h}`));
  const kv = metadata.key_value_metadata?.find((k) => k.key === IMAGE_META_KEY)?.value;
  let imageSpec: Snapshot["imageSpec"] = null;
  if (kv) {
    try {
      imageSpec = JSON.parse(kv);
    } catch {
      throw new SnapshotError("snapshot_bad_value", `${file}: key-value metadata ${IMAGE_META_KEY} is not JSON.`);
    }
  }
  let provenance: Snapshot["provenance"] = null;
  try {
    provenance = JSON.parse(metadata.key_value_metadata?.find((k) => k.key === "fusion_cds.snapshot")?.value ?? "null");
  } catch {
    provenance = null;
  }
  const readImages = withImages && columns.includes(IMAGE_COLUMN);

  const D = features.length, H = heads.length, A = auxNames.length;
  const s: Snapshot = {
    path: file,
    sha256: await sha256File(file),
    n,
    columns,
    features,
    encoderFeatures,
    heads,
    patient: new Array(n),
    sex: new Array(n).fill(null),
    age: new Array(n).fill(null),
    smoking: new Array(n).fill(null),
    tab: new Float32Array(n * D),
    labels: new Float32Array(n * H),
    imageSize: imageSpec?.size ?? null,
    images: null,
    hasImage: new Uint8Array(n),
    imageSpec,
    provenance,
    aux: A ? { names: auxNames.map((a) => a.slice(4)), values: new Float32Array(n * A) } : null,
    trueRisk: hasTrueRisk ? new Float32Array(n * H) : null,
    partition: columns.includes("split") ? new Array(n) : null,
  };
  const wanted = [PSEUDONYM_COLUMN, ...["sex", "age_years"].filter((c) => columns.includes(c)), ...features, ...heads.map((h) => `label_${h}`), ...auxNames, ...(hasTrueRisk ? heads.map((h) => `true_risk_${h}`) : []), ...(s.partition ? ["split"] : []), ...(readImages ? [IMAGE_COLUMN] : [])];
  const iCur = features.indexOf("tab_hist_smoking_current"), iFor = features.indexOf("tab_hist_smoking_former");

  let start = 0;
  for (const rg of metadata.row_groups) {
    const end = start + Number(rg.num_rows);
    let rows: Record<string, unknown>[] = [];
    await parquetRead({ file: buf, columns: wanted, rowStart: start, rowEnd: end, rowFormat: "object", onComplete: (r: Record<string, unknown>[]) => (rows = r) } as never);
    rows.forEach((r, k) => {
      const i = start + k;
      const p = r[PSEUDONYM_COLUMN];
      if (typeof p !== "string" || !p) throw new SnapshotError("snapshot_bad_value", `${file}: row ${i} has no ${PSEUDONYM_COLUMN}.`);
      s.patient[i] = p;
      s.sex[i] = typeof r.sex === "string" ? r.sex : null;
      const age = num(r.age_years);
      s.age[i] = Number.isFinite(age) ? age : null;
      for (let j = 0; j < D; j++) {
        const v = num(r[features[j]]);
        if (!Number.isFinite(v)) throw new SnapshotError("snapshot_bad_value", `${file}: row ${i}, ${features[j]} is missing or not a number (feature columns must be complete).`);
        s.tab[i * D + j] = v;
      }
      if (iCur >= 0 && iFor >= 0) s.smoking[i] = s.tab[i * D + iCur] > 0.5 ? "current" : s.tab[i * D + iFor] > 0.5 ? "former" : "never";
      for (let h = 0; h < H; h++) {
        const v = r[`label_${heads[h]}`];
        const y = v == null ? NaN : num(v);
        if (!(Number.isNaN(y) || y === 0 || y === 1)) throw new SnapshotError("snapshot_bad_value", `${file}: row ${i}, label_${heads[h]} is ${String(v)} (0, 1 or empty).`);
        s.labels[i * H + h] = y;
        if (s.trueRisk) s.trueRisk[i * H + h] = num(r[`true_risk_${heads[h]}`]);
      }
      if (s.partition) {
        const v = r.split;
        if (v !== "train" && v !== "val" && v !== "test") throw new SnapshotError("snapshot_bad_value", `${file}: row ${i}, split is ${String(v)} (train, val or test).`);
        s.partition[i] = v;
      }
      if (s.aux) for (let a = 0; a < A; a++) s.aux.values[i * A + a] = num(r[auxNames[a]]);
      if (readImages) {
        const im = listValues(r[IMAGE_COLUMN]);
        if (im) {
          if (s.imageSize == null) {
            const side = Math.round(Math.sqrt(im.length));
            if (side * side !== im.length) throw new SnapshotError("snapshot_bad_value", `${file}: row ${i}, ${IMAGE_COLUMN} has ${im.length} values, not a square image.`);
            s.imageSize = side;
          }
          const S2 = s.imageSize * s.imageSize;
          if (im.length !== S2) throw new SnapshotError("snapshot_bad_value", `${file}: row ${i}, ${IMAGE_COLUMN} has ${im.length} values; ${s.imageSize}² = ${S2} expected.`);
          s.images ??= new Float32Array(n * S2);
          s.images.set(im, i * S2);
          s.hasImage[i] = 1;
        }
      }
    });
    start = end;
  }
  return s;
}
