// Demo scans + assessments for the clinician workspace (viewer, risk panel, history chart).
//   DATABASE_URL=… npx tsx scripts/dev/seed-workspace.ts [--patients 3]
//   (or FUSION_DATA_DIR=… for the embedded database; run db-migrate + db-seed first)
// Patient DEMO-000000 gets the synthetic chest CT plus real pydicom test files in several transfer
// syntaxes, a multi-frame colour file and a PNG; DEMO-000001 gets CT_small and one file that cannot
// be decoded. Every decodable scan is assessed by the served model (real scores, explanations and
// saliency). Idempotent (scans are unique per patient by sha256). Used by the e2e server.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { parseDicom } from "@/lib/dicom/parse";
import { generatePatient, renderScan, scanToDicom, scanToPng } from "@/models/fusion/cohort";
import { seedScans, type SeedScan } from "@/lib/ingest/seed-scans";
import type { DbHandle } from "@/lib/db/client";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { prepareAssessmentWorker } from "@/lib/jobs/start-worker";
import { pydicomFile } from "@/test/fixtures/pydicom";
import { scanStoreFor } from "@/lib/db/scan-store";

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
  const stored = await scanStoreFor(db).put(s.bytes);
  const row = await db.scan.create({
    data: {
      patientId, modality, ...uids, acquisitionDate: acq ? new Date(`${acq}T00:00:00Z`) : null, bodyPart: body, rows, columns, frames,
      transferSyntaxUid: ts, photometricInterpretation: pi, contentType: s.contentType, byteSize: s.bytes.byteLength, sha256,
      storageKey: stored.key, metadata: meta as never,
    },
    select: { id: true, rows: true, columns: true },
  });
  return { ...row, created: true };
}

/**
 * Adds the workspace test scans and assesses each decodable one with the served model, through the
 * same inspection, storage, queue and assessment code as an upload (no fabricated results).
 */
export async function seedWorkspaceScans(handle: DbHandle, opts: { seed?: number } = {}): Promise<{ scans: number; assessments: number }> {
  const db = handle.prisma;
  const seed = opts.seed ?? 42;
  const p0 = generatePatient(seed, 0);
  const p1 = generatePatient(seed, 1);
  const patient0 = await db.patient.findUnique({ where: { mrn: p0.patient.mrn }, select: { id: true } });
  if (!patient0) throw new Error(`Patient ${p0.patient.mrn} is not in the database: run db-seed first.`);
  const rendered = renderScan(p0);
  const files: SeedScan[] = [
    { mrn: p0.patient.mrn, bytes: scanToDicom(p0, rendered), filename: `${p0.patient.mrn}.dcm` },
    { mrn: p0.patient.mrn, bytes: scanToPng(rendered), filename: "chest-lung-window.png", fields: { modality: "CT", acquisitionDate: p0.asOf, bodyPart: "CHEST" } },
    ...WORKSPACE_PYDICOM_FILES.map((name) => ({ mrn: p0.patient.mrn, bytes: new Uint8Array(readFileSync(pydicomFile(name))), filename: name })),
    { mrn: p1.patient.mrn, bytes: new Uint8Array(readFileSync(pydicomFile("CT_small.dcm"))), filename: "CT_small.dcm" },
  ];
  const queue = await AssessmentQueue.open(handle);
  let r: Awaited<ReturnType<typeof seedScans>>;
  try {
    const worker = await prepareAssessmentWorker(db, queue, { source: "seed" });
    r = await seedScans(db, queue, files);
    await worker.drain();
  } finally {
    await queue.stop();
  }
  let scans = r.created;
  const patient1 = await db.patient.findUnique({ where: { mrn: p1.patient.mrn }, select: { id: true } });
  if (patient1) {
    // stored as a damaged archive copy would be (an upload would refuse it): the viewer must say why
    const bad = await insertScan(db, patient1.id, { bytes: undecodableDicom(), contentType: "application/dicom" });
    scans += +bad.created;
  }
  return { scans, assessments: r.created };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  parseArgs({ options: {} });
  const { createDb } = await import("@/lib/db/client");
  const { exitIfDataDirLocked } = await import("@/lib/db/data-dir-lock");
  const handle = await createDb().catch(exitIfDataDirLocked("seed-workspace"));
  try {
    const r = await seedWorkspaceScans(handle);
    console.log(`seed-workspace (${handle.kind}): ${r.scans} scans and ${r.assessments} assessments created`);
  } finally {
    await handle.close();
  }
}
