/**
 * A training snapshot from the database, through the research export's contract (README.md): the
 * de-identified export's columns (lib/export buildColumns: row_key, patient_pseudonym, sex,
 * age_years, assessment_year, the encoder's tab_* features), its Parquet writer and its data
 * dictionary (footer `fusion_cds.dictionary`), plus the outcome labels (lib/outcomes) and the
 * model's preprocessed image input (LIST<FLOAT>, footer `fusion_cds.image_input`) — the format
 * models/fusion/snapshot.ts reads (the same as `npm run snapshot:synthetic`). Its SHA-256
 * identifies it. Training reads only this file.
 *
 * Rows: one per patient (a fixed-index-date cohort): the record as it stood on the index date
 * (conditions with onset, diet records dated, on or before it), the newest CT acquired on or before
 * it, and per head the label after it (lib/outcomes/README.md "Labels"). Patients born after the
 * index date, or with no known label for any head, are left out.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { DbHandle } from "@/lib/db/client";
import { buildColumns, type CohortShape, type ColumnSpec, type OutCell } from "@/lib/export/columns";
import { buildDictionary } from "@/lib/export/dictionary";
import { encodeModelFeatures } from "@/lib/export/model-features";
import { exportKeys, patientPseudonym, rowKeyCodec } from "@/lib/export/pseudonym";
import { cohortTooSmall, minCellSize } from "@/lib/export/small-cells";
import { exportSource } from "@/lib/export/source";
import { loadRecords } from "@/lib/export/sql";
import { parquetWriter } from "@/lib/export/writers";
import { outcomeFacts } from "@/lib/outcomes/service";
import { deriveLabels } from "@/lib/outcomes/labels";
import { encoderSpec, preprocessImage, type ImageResize } from "@/lib/fusion/encoders";
import { readScanBytes } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";
import { decodeScanOffThread } from "@/lib/dicom/off-thread";
import type { ScanContentType } from "@/lib/dicom";
import { geometryOf } from "@/lib/jobs/assess-job";
import { headHorizon, ValidationError } from "@/lib/domain";

export const IMAGE_COLUMN = "image_input";
export const IMAGE_META_KEY = "fusion_cds.image_input";
export const SNAPSHOT_META_KEY = "fusion_cds.snapshot";

export type SnapshotSpec = {
  /** YYYY-MM-DD: features as of this date, labels after it */
  indexDate: string;
  /** model heads `<outcome>_<N>y` */
  heads: string[];
  /** the model's image input; null: no image column */
  image: { size: number; resize: ImageResize } | null;
};

export type SnapshotStats = {
  rows: number;
  imageRows: number;
  labels: Record<string, { positive: number; negative: number; censored: number }>;
};

export type SnapshotFile = SnapshotStats & { path: string; sha256: string; bytes: number; columns: string[] };

const WHY_LABEL = "0, 1 or empty, derived from recorded outcomes and follow-up relative to the index date; no date, code or text is written";
const WHY_IMAGE = "pixel values of the model's preprocessed image (windowed, resampled to a small grid); no header, UID, date or burned-in text region is read into it beyond what the pixels show";

/** The snapshot's columns: the export's (row, demographics, features) + labels + image input. */
export function snapshotColumns(spec: SnapshotSpec): ColumnSpec[] {
  const shape: CohortShape = { rows: 0, patients: 0, models: [], heads: [], dims: { image: 0, tabular: 0, fused: 0 } };
  const cols = buildColumns(shape, ["features"]);
  for (const h of spec.heads) {
    const hz = headHorizon(h)!;
    cols.push({ name: `label_${h}`, type: "int32", unit: "0/1", modality: "outcome", group: "labels", description: `${hz.outcome} within ${hz.horizonYears} years after the index date: 1 yes, 0 no (followed up to the horizon), empty = censored`, source: "Outcome (recorded, not entered in error), Patient.followUpUntil, last record activity (lib/outcomes)", deid: "derived flag; no dates", whyNoIdentifier: WHY_LABEL });
  }
  if (spec.image)
    cols.push({ name: IMAGE_COLUMN, type: "float_list", unit: "windowed value −1…1", modality: "image", group: "scan", description: `The model's preprocessed image input, ${spec.image.size}×${spec.image.size} row-major (resize ${spec.image.resize}); empty = no CT on or before the index date`, source: "Scan file → decode → lib/fusion/encoders preprocessImage", deid: "pixels only, downsampled", whyNoIdentifier: WHY_IMAGE });
  return cols;
}

type Row = { id: string; sex: string; age: number };

async function cohort(h: DbHandle, indexDate: string): Promise<Row[]> {
  const q = exportSource(h);
  // age in SQL (top-coded at 90): the birth date never reaches Node, as in the export
  return q.$queryRawUnsafe<Row[]>(
    `SELECT id::text AS id, sex::text AS sex, LEAST(90, date_part('year', age($1::date, "birthDate"))::int) AS age
       FROM "Patient" WHERE "birthDate" <= $1::date ORDER BY id`,
    indexDate,
  );
}

/** The newest CT of each patient acquired (else uploaded) on or before the index date. */
async function baselineScans(h: DbHandle, ids: string[], indexDate: string) {
  const rows = await h.prisma.scan.findMany({
    where: { patientId: { in: ids }, modality: "CT" },
    select: { id: true, patientId: true, acquisitionDate: true, createdAt: true, storageKey: true, contentType: true, metadata: true },
  });
  const best = new Map<string, (typeof rows)[number] & { day: string }>();
  for (const r of rows) {
    const day = (r.acquisitionDate ?? r.createdAt).toISOString().slice(0, 10);
    if (day > indexDate) continue;
    const cur = best.get(r.patientId);
    if (!cur || day > cur.day || (day === cur.day && r.createdAt > cur.createdAt)) best.set(r.patientId, { ...r, day });
  }
  return best;
}

/**
 * Writes the snapshot to `out` (via `<out>.partial`, renamed when complete) and returns its
 * SHA-256 and counts. Refuses (422 cohort_too_small) when fewer patients than the export's
 * small-cell threshold would be in it. `signal` stops it between patients.
 */
export async function writeTrainingSnapshot(h: DbHandle, spec: SnapshotSpec, out: string, opts: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; onProgress?: (done: number, total: number) => void; provenance?: Record<string, unknown> } = {}): Promise<SnapshotFile> {
  for (const head of spec.heads) if (!headHorizon(head)) throw ValidationError.field("heads", `${head} has no horizon (<outcome>_<N>y)`);
  const keys = exportKeys(opts.env);
  const codec = rowKeyCodec(keys);
  const min = minCellSize(opts.env);
  const patients = await cohort(h, spec.indexDate);
  const facts = await outcomeFacts(h.prisma, patients.map((p) => p.id));
  const labelled = patients
    .map((p) => ({ ...p, labels: deriveLabels(spec.heads, spec.indexDate, facts.get(p.id)?.events ?? [], facts.get(p.id)?.followUpEnd ?? null) }))
    .filter((p) => Object.values(p.labels).some((l) => l !== null));
  if (labelled.length < min) throw cohortTooSmall(min);
  const records = await loadRecords(exportSource(h), labelled.map((p) => p.id));
  const scans = spec.image ? await baselineScans(h, labelled.map((p) => p.id), spec.indexDate) : new Map();
  const store = scanStoreFor(h.prisma);

  const columns = snapshotColumns(spec);
  const shape: CohortShape = { rows: labelled.length, patients: labelled.length, models: [], heads: [], dims: { image: 0, tabular: 0, fused: 0 } };
  const dictionary = {
    ...buildDictionary({ shape, columns, filters: {}, format: "parquet", minCellSize: min }),
    // no creation time in the file: the same data and secret give the same bytes (sha256); the
    // TrainingSnapshot row records when it was built
    generatedAt: `${spec.indexDate}T00:00:00.000Z`,
    layout: `Training snapshot: one row per patient as of the index date ${spec.indexDate} (record as it stood then, newest CT on or before it); labels from recorded outcomes and follow-up after it (lib/outcomes/README.md).`,
  };
  const imageSpec = spec.image ? { ...encoderSpec(spec.image.size, spec.image.resize).image, source: "Scan files of the database, decoded as the worker decodes them" } : null;
  const provenance = { kind: "real", indexDate: spec.indexDate, heads: spec.heads, patients: labelled.length, ...opts.provenance };
  const writer = parquetWriter(columns, {
    rowGroupSize: 256,
    kvMetadata: [
      { key: "fusion_cds.dictionary", value: JSON.stringify(dictionary) },
      ...(imageSpec ? [{ key: IMAGE_META_KEY, value: JSON.stringify(imageSpec) }] : []),
      { key: SNAPSHOT_META_KEY, value: JSON.stringify(provenance) },
    ],
  });

  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  const partial = `${out}.partial`;
  const file = createWriteStream(partial, { mode: 0o600 });
  const hash = createHash("sha256");
  let bytes = 0;
  const put = async (chunks: Uint8Array[]) => {
    for (const c of chunks) {
      hash.update(c);
      bytes += c.byteLength;
      if (!file.write(c)) await new Promise<void>((r) => file.once("drain", () => r()));
    }
  };
  const stats: SnapshotStats = { rows: 0, imageRows: 0, labels: Object.fromEntries(spec.heads.map((x) => [x, { positive: 0, negative: 0, censored: 0 }])) };
  const year = Number(spec.indexDate.slice(0, 4));
  try {
    await put(writer.start());
    for (let i = 0; i < labelled.length; i++) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("cancelled");
      const p = labelled[i];
      const rec = records.get(p.id)!;
      const cells: OutCell[] = [codec.encode(p.id), patientPseudonym(keys, p.id), null, null, null, p.sex, p.age, year, ...encodeModelFeatures(rec, spec.indexDate, p.age)];
      for (const head of spec.heads) {
        const l = p.labels[head];
        cells.push(l);
        stats.labels[head][l === 1 ? "positive" : l === 0 ? "negative" : "censored"]++;
      }
      if (spec.image) {
        const s = scans.get(p.id);
        let img: Float32Array | null = null;
        if (s) {
          try {
            const frameNo = s.contentType === "application/dicom" ? Number((s.metadata as { assessedFrame?: number } | null)?.assessedFrame ?? 0) : 0;
            const { frame } = await decodeScanOffThread(await readScanBytes(h.prisma, store, s), s.contentType as ScanContentType, { frame: frameNo });
            if (frame.samplesPerPixel === 1)
              img = preprocessImage({ rows: frame.rows, columns: frame.columns, data: frame.data, modality: "CT", geometry: geometryOf(s.metadata) }, spec.image.size, spec.image.resize).data;
          } catch {
            img = null; // an undecodable or unusable scan: the row has no image (as the worker would)
          }
        }
        if (img) stats.imageRows++;
        cells.push(img);
      }
      stats.rows++;
      await put(writer.write([cells]));
      opts.onProgress?.(i + 1, labelled.length);
    }
    await put(writer.finish());
    await new Promise<void>((res, rej) => file.end((e?: Error | null) => (e ? rej(e) : res())));
    await rename(partial, out);
  } catch (e) {
    file.destroy();
    await rm(partial, { force: true });
    throw e;
  }
  return { ...stats, path: path.resolve(out), sha256: hash.digest("hex"), bytes, columns: columns.map((c) => c.name) };
}
