// Demo scans + assessments for the clinician workspace (viewer, risk panel, history chart).
//   DATABASE_URL=… npx tsx scripts/dev/seed-workspace.ts [--patients 3]
//   (or FUSION_DATA_DIR=… for the embedded database; run db-migrate + db-seed first)
// Patient DEMO-000000 gets the synthetic chest CT (with a done assessment, a saliency map and a
// history of earlier assessments) plus real pydicom test files in several transfer syntaxes,
// a multi-frame colour file and a PNG; DEMO-000001 gets CT_small and one file that cannot be decoded.
// Idempotent (scans are unique per patient by sha256). The assessment JSON follows the shape the
// fusion pipeline stores (see lib/db/assessments.ts). Exported for the e2e seed (--scans).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { parseDicom } from "@/lib/dicom/parse";
import { generatePatient, renderScan, scanToDicom, scanToPng, HEADS, type CohortPatient } from "@/models/fusion/cohort";
import { pydicomFile } from "@/test/fixtures/pydicom";

export const WORKSPACE_PYDICOM_FILES = [
  "CT_small.dcm", // CT, explicit VR little endian
  "MR_small.dcm", // MR, explicit VR little endian
  "MR_small_implicit.dcm", // implicit VR little endian
  "MR_small_bigendian.dcm", // explicit VR big endian
  "MR_small_RLE.dcm", // RLE lossless
  "MR_small_jpeg_ls_lossless.dcm", // JPEG-LS lossless
  "MR_small_jp2klossless.dcm", // JPEG 2000 lossless
  "JPGExtended.dcm", // JPEG extended 12-bit (NM)
  "SC_rgb_rle_2frame.dcm", // colour, 2 frames, RLE
  "SC_rgb_jpeg_dcmtk.dcm", // colour, JPEG baseline
] as const;
/**
 * A scan the viewer cannot decode: MR_small_jp2klossless.dcm with its JPEG 2000 start-of-codestream
 * and SIZ markers wiped (the header still parses; the pixel codec refuses the frame), as a damaged
 * archive copy would be.
 */
export function undecodableDicom(): Uint8Array {
  const b = new Uint8Array(readFileSync(pydicomFile("MR_small_jp2klossless.dcm")));
  for (let i = 0; i + 3 < b.length; i++)
    if (b[i] === 0xff && b[i + 1] === 0x4f && b[i + 2] === 0xff && b[i + 3] === 0x51) {
      b.fill(0, i, i + 64);
      return b;
    }
  throw new Error("no JPEG 2000 codestream found in MR_small_jp2klossless.dcm");
}

type ScanInput = { bytes: Uint8Array; contentType: string; acquisitionDate?: string };

async function insertScan(db: PrismaClient, patientId: string, s: ScanInput) {
  const sha256 = createHash("sha256").update(s.bytes).digest("hex");
  const found = await db.scan.findUnique({ where: { patientId_sha256: { patientId, sha256 } }, select: { id: true, rows: true, columns: true } });
  if (found) return { ...found, created: false };
  let meta: Record<string, unknown> = {};
  let rows = 0, columns = 0, frames = 1, modality = "OT";
  let uids: { studyInstanceUid?: string | null; seriesInstanceUid?: string | null; sopInstanceUid?: string | null } = {};
  let ts: string | null = null, pi: string | null = null, body: string | null = null, acq: string | null = s.acquisitionDate ?? null;
  if (s.contentType === "application/dicom") {
    try {
      const m = parseDicom(s.bytes).metadata;
      meta = { ...m };
      rows = m.rows ?? 0; columns = m.columns ?? 0; frames = m.numberOfFrames || 1; modality = m.modality ?? "OT";
      uids = { studyInstanceUid: m.studyInstanceUid, seriesInstanceUid: m.seriesInstanceUid, sopInstanceUid: m.sopInstanceUid };
      ts = m.transferSyntaxUid; pi = m.photometricInterpretation; body = m.bodyPartExamined; acq = acq ?? m.acquisitionDate ?? m.studyDate;
    } catch (e) {
      // an unreadable file is kept as uploaded: the viewer must explain why it cannot show it
      meta = { parseError: (e as Error).message };
      modality = "MR";
    }
  } else {
    // PNG: width/height from IHDR
    const dv = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
    columns = dv.getUint32(16); rows = dv.getUint32(20); pi = "MONOCHROME2";
  }
  const row = await db.scan.create({
    data: {
      patientId, modality, ...uids, acquisitionDate: acq ? new Date(`${acq}T00:00:00Z`) : null, bodyPart: body, rows, columns, frames,
      transferSyntaxUid: ts, photometricInterpretation: pi, contentType: s.contentType, byteSize: s.bytes.byteLength, sha256,
      bytes: Buffer.from(s.bytes), metadata: meta as never,
    },
    select: { id: true, rows: true, columns: true },
  });
  return { ...row, created: true };
}

/** A smooth saliency map (bytes 0–255, base64) with Gaussian blobs at the given pixel centres. */
export function saliencyMap(width: number, height: number, blobs: { x: number; y: number; r: number; w?: number }[]): { width: number; height: number; data: string } {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const b of blobs) v += (b.w ?? 1) * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
      out[y * width + x] = Math.min(255, Math.round(v * 255));
    }
  return { width, height, data: Buffer.from(out).toString("base64") };
}

const category = (p: number) => (p >= 0.2 ? "high" : p >= 0.05 ? "moderate" : "low");
const score = (p: number) => ({ probability: +p.toFixed(4), interval: [+Math.max(0, p * 0.7).toFixed(4), +Math.min(1, p * 1.35 + 0.01).toFixed(4)], category: category(p) });

/** Assessment JSON of the shape lib/fusion writes (scores per head, explanation, timings). */
export function demoAssessmentJson(p: CohortPatient, scale = 1, saliency?: { width: number; height: number; data: string }, noduleMm?: number) {
  const scores = Object.fromEntries(HEADS.map((h) => [h, score(Math.min(0.97, p.trueRisk[h] * scale))]));
  const lat = p.latent as unknown as Record<string, unknown>;
  const num = (k: string, d = 0) => (typeof lat[k] === "number" ? (lat[k] as number) : d);
  return {
    scores,
    explanation: {
      modalityContributions: { image: 0.42, history: 0.27, family: 0.11, diet: 0.2 },
      featureAttributions: [
        { feature: "history.smoking_pack_years", label: "Smoking history (pack-years)", value: num("packYears", 20), contribution: 0.38, direction: "raises" },
        { feature: "image.dominant_nodule_mm", label: "Largest lung nodule (mm)", value: noduleMm ?? p.latent.maxNoduleMm, contribution: 0.31, direction: "raises" },
        { feature: "diet.fruit_veg_servings", label: "Fruit & vegetables (servings/day)", value: 2.5, contribution: -0.12, direction: "lowers" },
        { feature: "family.first_degree_lung_cancer", label: "Lung cancer in a first-degree relative", value: "yes", contribution: 0.09, direction: "raises" },
        { feature: "diet.sodium_mg", label: "Sodium intake (mg/day)", value: 3400, contribution: 0.06, direction: "raises" },
        { feature: "history.hypertension", label: "Hypertension (active)", value: "no", contribution: -0.04, direction: "lowers" },
      ],
      ...(saliency ? { saliency } : {}),
    },
    timings: { load: 4, decode: 18, preprocess: 6, inference: 9, explain: 41 },
  };
}

export async function seedWorkspaceScans(db: PrismaClient, opts: { seed?: number } = {}): Promise<{ scans: number; assessments: number }> {
  const seed = opts.seed ?? 42;
  let scans = 0, assessments = 0;
  const p0 = generatePatient(seed, 0);
  const patient0 = await db.patient.findUnique({ where: { mrn: p0.patient.mrn }, select: { id: true } });
  if (!patient0) throw new Error(`Patient ${p0.patient.mrn} is not in the database: run db-seed first.`);
  const rendered = renderScan(p0);
  const ct = await insertScan(db, patient0.id, { bytes: scanToDicom(p0, rendered), contentType: "application/dicom" });
  scans += +ct.created;
  if (ct.created) {
    // attribution peaks on the largest nodule, with a weaker halo over its lung
    const largest = rendered.nodules.filter((n) => n.kind !== "vessel").sort((a, b) => b.r - a.r)[0] ?? { x: rendered.columns * 0.35, y: rendered.rows * 0.45, r: 6 };
    const sal = saliencyMap(rendered.columns, rendered.rows, [
      { x: largest.x, y: largest.y, r: Math.max(20, largest.r * 4) },
      { x: largest.x + 10, y: largest.y + 30, r: 70, w: 0.45 },
    ]);
    // history: three earlier runs (older model) and the current one
    const now = Date.now();
    const runs = [
      { days: 540, scale: 0.55, version: "0.9.0" },
      { days: 360, scale: 0.7, version: "0.9.0" },
      { days: 180, scale: 0.85, version: "1.0.0" },
      { days: 0, scale: 1, version: "1.0.0" },
    ];
    for (const r of runs) {
      const j = demoAssessmentJson(p0, r.scale, r.days === 0 ? sal : undefined, Math.round(largest.r * 2 * rendered.pixelSpacingMm * 10) / 10);
      const at = new Date(now - r.days * 86_400_000);
      await db.assessment.create({
        data: {
          patientId: patient0.id, scanId: ct.id, modelName: "fusion-demo", modelVersion: r.version, strategy: "joint", status: "done",
          scores: j.scores, explanation: j.explanation as never, timings: j.timings, embeddings: { image: [0.1, 0.2], tabular: [0.3], fused: [0.4] },
          attempts: 1, createdAt: at, startedAt: at, completedAt: new Date(at.getTime() + 900),
        },
      });
      assessments++;
    }
  }
  const png = await insertScan(db, patient0.id, { bytes: scanToPng(rendered), contentType: "image/png", acquisitionDate: p0.asOf });
  scans += +png.created;
  for (const name of WORKSPACE_PYDICOM_FILES) {
    const s = await insertScan(db, patient0.id, { bytes: new Uint8Array(readFileSync(pydicomFile(name))), contentType: "application/dicom" });
    scans += +s.created;
  }
  const p1 = generatePatient(seed, 1);
  const patient1 = await db.patient.findUnique({ where: { mrn: p1.patient.mrn }, select: { id: true } });
  if (patient1) {
    const bad = await insertScan(db, patient1.id, { bytes: undecodableDicom(), contentType: "application/dicom" });
    scans += +bad.created;
    const ok = await insertScan(db, patient1.id, { bytes: new Uint8Array(readFileSync(pydicomFile("CT_small.dcm"))), contentType: "application/dicom" });
    scans += +ok.created;
    if (ok.created) {
      const j = demoAssessmentJson(p1, 1, saliencyMap(ok.columns, ok.rows, [{ x: 64, y: 64, r: 18 }]));
      await db.assessment.create({
        data: { patientId: patient1.id, scanId: ok.id, modelName: "fusion-demo", modelVersion: "1.0.0", strategy: "joint", status: "done", scores: j.scores, explanation: j.explanation as never, timings: j.timings, attempts: 1, startedAt: new Date(), completedAt: new Date() },
      });
      assessments++;
    }
  }
  return { scans, assessments };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  parseArgs({ options: {} });
  const { createDb } = await import("@/lib/db/client");
  const handle = await createDb();
  try {
    const r = await seedWorkspaceScans(handle.prisma);
    console.log(`seed-workspace (${handle.kind}): ${r.scans} scans and ${r.assessments} assessments created`);
  } finally {
    await handle.close();
  }
}
