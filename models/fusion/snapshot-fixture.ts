/**
 * A training snapshot (snapshot.ts) made from the synthetic cohort instead of the database — for
 * tests and for the demo model's training runs, so training does not depend on the export path.
 * Same columns as the research export's snapshot: patient_pseudonym, sex, age_years,
 * assessment_year, tab_* (the encoder's vector), label_<head>, image_input (+ the auxiliary image
 * targets aux_* and the generator's true_risk_<head>, which a real export does not have).
 *
 *   npm run snapshot:synthetic -- --out /tmp/cohort.parquet [--n 2000] [--seed 20261202]
 *        [--offset 0] [--image-size 64] [--resize physical|area] [--no-images] [--missing-image 0.05]
 *        [--repeat 0.1] [--split-by-index <nTrain>,<nVal>]
 */
import { createHash } from "node:crypto";
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { ParquetWriter, fileWriter } from "hyparquet-writer";
import { encodeRecord, encoderSpec, preprocessImage, FEATURES, type ImageResize } from "@/lib/fusion/encoders";
import { ageOn } from "@/lib/domain/patient";
import { generatePatient, renderScan, toRecordInput, HEADS, SCAN_FOV_MM } from "./cohort";
import { mulberry32 } from "./rng";
import { IMAGE_COLUMN, IMAGE_META_KEY, PSEUDONYM_COLUMN, sha256File, tabColumn } from "./snapshot";

export type SyntheticSnapshotOptions = {
  out: string;
  n: number;
  seed: number;
  /** first cohort index (patients offset … offset + n − 1) */
  offset?: number;
  imageSize?: number;
  resize?: ImageResize;
  /** render size (default 2 × image size: the phantom is resolution independent) */
  renderSize?: number;
  images?: boolean;
  /** fraction of rows whose image is left out (assessments without a scan) */
  missingImage?: number;
  /** fraction of patients with a second assessment row (same record and scan) */
  repeat?: number;
  rowGroupSize?: number;
  /** write a `split` column: the first `train` patients train, the next `val` validation, the rest test */
  splitByIndex?: { train: number; val: number };
  onProgress?: (done: number, total: number) => void;
};

export const pseudonymOf = (seed: number, index: number) => createHash("sha256").update(`synthetic:${seed}:${index}`).digest("hex").slice(0, 32);

export async function writeSyntheticSnapshot(o: SyntheticSnapshotOptions): Promise<{ path: string; sha256: string; rows: number }> {
  const S = o.imageSize ?? 64;
  const resize = o.resize ?? "physical";
  const withImages = o.images ?? true;
  const offset = o.offset ?? 0;
  const renderSize = o.renderSize ?? 2 * S;
  const rng = mulberry32((o.seed ^ 0x5eed) >>> 0);
  const groupSize = o.rowGroupSize ?? 512;
  await mkdir(path.dirname(path.resolve(o.out)), { recursive: true });
  const partial = `${o.out}.partial`;

  const tabCols = FEATURES.map((f) => tabColumn(f.name));
  const auxCols = ["aux_nodule_size_score", "aux_coronary_calcium_score"];
  const schema = [
    { name: "root", num_children: 6 + tabCols.length + 2 * HEADS.length + auxCols.length + (withImages ? 1 : 0) + (o.splitByIndex ? 1 : 0) },
    { name: "row_key", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: PSEUDONYM_COLUMN, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: "sex", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: "age_years", type: "INT32", repetition_type: "OPTIONAL" },
    { name: "assessment_year", type: "INT32", repetition_type: "OPTIONAL" },
    { name: "fusion_strategy", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    ...tabCols.map((name) => ({ name, type: "DOUBLE", repetition_type: "OPTIONAL" })),
    ...HEADS.map((h) => ({ name: `label_${h}`, type: "INT32", repetition_type: "OPTIONAL" })),
    ...auxCols.map((name) => ({ name, type: "DOUBLE", repetition_type: "OPTIONAL" })),
    ...HEADS.map((h) => ({ name: `true_risk_${h}`, type: "DOUBLE", repetition_type: "OPTIONAL" })),
    ...(o.splitByIndex ? [{ name: "split", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" }] : []),
    ...(withImages
      ? [
          { name: IMAGE_COLUMN, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
          { name: "list", repetition_type: "REPEATED", num_children: 1 },
          { name: "element", type: "FLOAT", repetition_type: "REQUIRED" },
        ]
      : []),
  ];
  const spec = encoderSpec(S, resize).image;
  const kvMetadata = [
    { key: IMAGE_META_KEY, value: JSON.stringify({ ...spec, source: `models/fusion/cohort.ts renderScan at ${renderSize}² over ${SCAN_FOV_MM} mm, standard axial orientation` }) },
    { key: "fusion_cds.snapshot", value: JSON.stringify({ kind: "synthetic", generator: "models/fusion/cohort.ts", seed: o.seed, offset, n: o.n, missingImage: o.missingImage ?? 0, repeat: o.repeat ?? 0 }) },
  ];
  const pw = new ParquetWriter({ writer: fileWriter(partial), schema: schema as never, kvMetadata, createdBy: "fusion-cds synthetic snapshot" });

  type Row = unknown[];
  let rows: Row[] = [];
  let total = 0;
  const flush = () => {
    if (!rows.length) return;
    const names = schema.slice(1).filter((c) => c.name !== "list" && c.name !== "element").map((c) => c.name);
    pw.write({ columnData: names.map((name, j) => ({ name, data: rows.map((r) => r[j]) })) as never, rowGroupSize: rows.length });
    total += rows.length;
    rows = [];
  };
  for (let i = 0; i < o.n; i++) {
    const p = generatePatient(o.seed, offset + i);
    const rec = toRecordInput(p);
    const tab = Array.from(encodeRecord(rec).vector, (v) => v);
    const age = Math.min(90, ageOn(p.patient.birthDate, p.asOf));
    let image: number[] | null = null;
    if (withImages && !(rng.next() < (o.missingImage ?? 0))) {
      const scan = renderScan(p, { size: renderSize });
      const px = scan.pixelSpacingMm;
      image = Array.from(preprocessImage({ rows: scan.rows, columns: scan.columns, data: scan.hu, modality: "CT", geometry: { pixelSpacingMm: [px, px], orientation: [1, 0, 0, 0, 1, 0] } }, S, resize).data);
    }
    const copies = rng.next() < (o.repeat ?? 0) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      rows.push([
        `${pseudonymOf(o.seed, offset + i)}-${c}`,
        pseudonymOf(o.seed, offset + i),
        p.patient.sex,
        age,
        2026,
        "joint",
        ...tab,
        ...HEADS.map((h) => p.labels[h]),
        Math.max(0, p.latent.maxNoduleMm - 6) / 8,
        Math.log1p(p.latent.cacScore) / 2,
        ...HEADS.map((h) => p.trueRisk[h]),
        ...(o.splitByIndex ? [i < o.splitByIndex.train ? "train" : i < o.splitByIndex.train + o.splitByIndex.val ? "val" : "test"] : []),
        ...(withImages ? [image] : []),
      ]);
    }
    if (rows.length >= groupSize) flush();
    o.onProgress?.(i + 1, o.n);
  }
  flush();
  pw.finish();
  await rename(partial, o.out);
  return { path: o.out, sha256: await sha256File(o.out), rows: total };
}
