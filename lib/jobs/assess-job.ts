import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { audit } from "@/lib/auth/audit";
import { toIsoDate, todayIso } from "@/lib/domain/common";
import { toFusionDiet, type FusionRecordInput } from "@/lib/domain/record";
import { StoredAssessment, StoredScores, describeIssues } from "@/lib/domain/assessment";
import { isDicomError, type DecodedFrame, type ScanContentType } from "@/lib/dicom";
import { decodeScanOffThread } from "@/lib/dicom/off-thread";
import type { Assessor, ModelImage } from "./assessor";
import { takeDecoded } from "./decoded-cache";
import { readScanBytes } from "@/lib/db/scans";
import { scanStoreFor } from "@/lib/db/scan-store";

/** A failure that retrying cannot fix (the file or record itself is the problem). */
export class PermanentJobError extends Error {}

/** "deferred": a debounced re-assessment whose record changed again meanwhile; run it at `until`. */
export type JobRunResult = "done" | "skipped" | { deferredUntil: Date };

/**
 * Runs one assessment. Idempotent: an assessment already done (or failed for good) is skipped, and
 * the final write only lands while the row is still `running` — so a job redelivered after a
 * worker crash produces one result, not two. An assessment superseded or entered in error before
 * it ran is skipped; a debounced re-assessment (`notBefore`) pushed back by a later record change
 * is deferred. The record version the worker read is stored with the result.
 */
/** A version in shadow (lib/training/README.md): scores every assessment silently, stored in ShadowScore. */
export type ShadowAssessor = { modelVersionId: string; assessor: Assessor };

export async function runAssessment(db: PrismaClient, assessor: Assessor, assessmentId: string, shadow?: ShadowAssessor | null): Promise<JobRunResult> {
  const t0 = performance.now();
  const now = new Date();
  const claimed = await db.assessment.updateMany({
    where: { id: assessmentId, status: { in: ["queued", "running"] }, supersededAt: null, enteredInErrorAt: null, OR: [{ notBefore: null }, { notBefore: { lte: now } }] },
    data: { status: "running", startedAt: now, attempts: { increment: 1 } },
  });
  if (claimed.count === 0) {
    const row = await db.assessment.findUnique({ where: { id: assessmentId }, select: { status: true, notBefore: true, supersededAt: true, enteredInErrorAt: true } });
    if (row?.status === "queued" && !row.supersededAt && !row.enteredInErrorAt && row.notBefore && row.notBefore > now) return { deferredUntil: row.notBefore };
    return "skipped";
  }
  const a = await db.assessment.findUniqueOrThrow({
    where: { id: assessmentId },
    select: { id: true, patientId: true, scanId: true, createdAt: true },
  });
  const tLoad = performance.now();
  const { record, version } = await loadVersionedRecord(db, a.patientId);
  const scan = a.scanId
    ? await db.scan.findUnique({ where: { id: a.scanId }, select: { id: true, storageKey: true, modality: true, contentType: true, metadata: true } })
    : null;
  const loadMs = performance.now() - tLoad;

  const flags: string[] = [];
  let image: ModelImage | null = null;
  let decodeMs = 0;
  if (!scan) flags.push("no_image");
  else if (!assessor.imageModalities.includes(scan.modality)) flags.push(`image_not_used:${scan.modality}_not_in_training_data`);
  // PNG/JPEG pixels are display values (0–255), not modality values such as Hounsfield units
  else if (scan.contentType !== "application/dicom") flags.push("image_not_used:not_dicom_no_modality_values");
  else {
    const tDec = performance.now();
    // the upload's own decode when this process took it; else the file, read from the scan store
    const frame = takeDecoded(scan.id) ?? (await decodeStored({ ...scan, bytes: await readScanBytes(db, scanStoreFor(db), scan) }));
    decodeMs = performance.now() - tDec;
    if (frame.samplesPerPixel !== 1) flags.push("image_not_used:colour_image");
    else image = { rows: frame.rows, columns: frame.columns, data: frame.data, modality: scan.modality, geometry: geometryOf(scan.metadata) };
  }

  const outcome = await assessor.assess({ record, image });
  const result = storedResult({
    ...outcome,
    timings: { load: loadMs, decode: decodeMs, ...outcome.timings, total: performance.now() - t0 },
    flags: [...new Set([...flags, ...outcome.flags])],
  });
  // the shadow version on the same input; its failure never fails the assessment
  const shadowScores = shadow
    ? await shadow.assessor.assess({ record, image }).then(
        (o) => (StoredScores.safeParse(o.scores).success ? o.scores : null),
        () => null,
      )
    : null;
  const stored = await db.$transaction(async (tx) => {
    const r = await tx.assessment.updateMany({
      where: { id: assessmentId, status: "running" },
      data: {
        status: "done",
        error: null,
        // the model that actually ran (the row was queued for the registry's active version)
        modelName: result.modelName,
        modelVersion: result.modelVersion,
        strategy: result.strategy,
        scores: result.scores as Prisma.InputJsonValue,
        embeddings: result.embeddings as Prisma.InputJsonValue,
        explanation: result.explanation as Prisma.InputJsonValue,
        timings: result.timings as Prisma.InputJsonValue,
        flags: result.flags,
        completedAt: new Date(),
        recordVersion: version,
      },
    });
    if (r.count === 1 && shadow && shadowScores)
      await tx.shadowScore.upsert({
        where: { assessmentId_modelVersionId: { assessmentId, modelVersionId: shadow.modelVersionId } },
        create: { assessmentId, modelVersionId: shadow.modelVersionId, scores: shadowScores as Prisma.InputJsonValue },
        update: { scores: shadowScores as Prisma.InputJsonValue },
      });
    if (r.count === 1)
      await audit(tx, {
        actor: null,
        action: "assessment.complete",
        entityType: "Assessment",
        entityId: assessmentId,
        patientId: a.patientId,
        outcome: "success",
        request: { clientAddress: null, userAgent: null, source: "worker" },
        details: { model: `${result.modelName}@${result.modelVersion}`, strategy: result.strategy, flags: result.flags },
      });
    return r.count === 1;
  });
  return stored ? "done" : "skipped";
}

/**
 * The result as it will be stored, checked against the stored-assessment schema first: a result
 * that does not match (a NaN probability, a missing head, an interval that excludes its
 * probability…) fails the assessment with the reasons instead of storing what readers cannot read.
 * Retrying the same model on the same record would produce the same result, so it is permanent.
 */
export function storedResult(candidate: unknown): StoredAssessment {
  const r = StoredAssessment.safeParse(candidate);
  if (!r.success) throw new PermanentJobError(`The model returned a result that cannot be stored: ${describeIssues(r.error)}`);
  return r.data;
}

/** Marks an assessment failed for good, with the reason the clinician will see. */
export async function failAssessment(db: PrismaClient, assessmentId: string, message: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const r = await tx.assessment.updateMany({
      where: { id: assessmentId, status: { in: ["queued", "running"] } },
      data: { status: "failed", error: message.slice(0, 2000), completedAt: new Date() },
    });
    if (r.count === 1) {
      const a = await tx.assessment.findUnique({ where: { id: assessmentId }, select: { patientId: true } });
      await audit(tx, {
        actor: null,
        action: "assessment.fail",
        entityType: "Assessment",
        entityId: assessmentId,
        patientId: a?.patientId ?? null,
        outcome: "failure",
        request: { clientAddress: null, userAgent: null, source: "worker" },
        details: { error: message.slice(0, 500) },
      });
    }
  });
}

/** Puts a running assessment back to queued between retries, keeping the last error visible. */
export async function requeueAssessment(db: PrismaClient, assessmentId: string, message: string): Promise<void> {
  await db.assessment.updateMany({ where: { id: assessmentId, status: "running" }, data: { status: "queued", error: `retrying after: ${message}`.slice(0, 2000) } });
}

/** Pixel Spacing and Image Orientation (Patient) as the upload stored them (scans from before orientation was read have spacing only). */
export function geometryOf(metadata: unknown): NonNullable<ModelImage["geometry"]> {
  const d = (metadata as { dicom?: { pixelSpacing?: unknown; imageOrientationPatient?: unknown } } | null)?.dicom;
  const nums = (v: unknown, n: number) => (Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number" && Number.isFinite(x)) ? (v as number[]) : null);
  return { pixelSpacingMm: nums(d?.pixelSpacing, 2) as [number, number] | null, orientation: nums(d?.imageOrientationPatient, 6) };
}

async function decodeStored(scan: { bytes: Uint8Array; contentType: string; metadata: unknown }): Promise<DecodedFrame> {
  try {
    const contentType = scan.contentType as ScanContentType;
    const frame = contentType === "application/dicom" ? Number((scan.metadata as { assessedFrame?: number } | null)?.assessedFrame ?? 0) : 0;
    return (await decodeScanOffThread(scan.bytes, contentType, { frame })).frame;
  } catch (e) {
    // Busy or timed out: worth another try later; anything else about the file will not change.
    if (isDicomError(e) && e.code !== "decoder_busy" && e.code !== "decode_timeout") throw new PermanentJobError(`The scan could not be decoded: ${e.message}`);
    throw e;
  }
}

/** The record as the fusion encoders read it, as of today. */
export async function loadRecordInput(db: PrismaClient, patientId: string, asOf = todayIso()): Promise<FusionRecordInput> {
  return (await loadVersionedRecord(db, patientId, asOf)).record;
}

/** The record and its Patient.recordVersion, read together (one row: the version is the one the record is at). */
export async function loadVersionedRecord(db: PrismaClient, patientId: string, asOf = todayIso()): Promise<{ record: FusionRecordInput; version: number }> {
  const p = await db.patient.findUnique({
    where: { id: patientId },
    include: { conditions: true, familyHistory: true, dietRecords: true },
  });
  if (!p) throw new PermanentJobError(`Patient ${patientId} no longer exists`);
  return { version: p.recordVersion, record: {
    birthDate: toIsoDate(p.birthDate),
    sex: p.sex,
    asOf,
    conditions: p.conditions.map((c) => ({ codeSystem: c.codeSystem, code: c.code, onsetDate: toIsoDate(c.onsetDate), status: c.status })),
    familyHistory: p.familyHistory.map((f) => ({ relationship: f.relationship, code: f.code, ageAtOnset: f.ageAtOnset, deceased: f.deceased })),
    dietRecords: p.dietRecords.map((d) => toFusionDiet({ ...d, recordedOn: toIsoDate(d.recordedOn) })),
  } };
}
