import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { putDecoded } from "@/lib/jobs/decoded-cache";
import { assessmentQueued } from "@/lib/jobs/runtime";
import { inspectUpload, patientMismatch, type InspectedScan } from "@/lib/ingest/inspect";
import { identityConflict } from "./patient-match";
import { findStoredScan, storeScan } from "@/lib/ingest/store";
import { scanStoreFor } from "@/lib/db/scan-store";
import { FAILURE, type FailureReason } from "./stow-response";

/**
 * One DICOM instance into the app through DICOMweb — STOW-RS and PACS import alike — by the same
 * steps as an upload (lib/ingest: inspection off-thread within the image limits, `storeScan`: Scan
 * row + queued Assessment + job in one transaction with the audit row, the file into the scan
 * store last). What DICOMweb adds:
 *
 * - **Which patient.** STOW-RS to /dicomweb/studies names no patient: the instance's PatientID must
 *   be a patient's MRN (case-insensitive). A PACS import names the record; the instance must then
 *   belong to it (`patientMismatch`, as for uploads). Either way an instance whose birth date or name
 *   contradicts the record is refused — an upload can be confirmed by the clinician looking at it,
 *   a DICOMweb client cannot — and so is an instance of a study the app holds for another patient.
 * - **A re-sent instance is not stored twice**: the same (patient, SOP Instance UID) — even in other
 *   bytes, e.g. another transfer syntax — or the same bytes answer the stored scan (`created: false`).
 *   Checked under a transaction-scoped advisory lock, so two pushes of one instance at once store it once.
 *
 * Failures are returned, not thrown: a STOW-RS request reports each instance (FailedSOPSequence).
 */

export type IngestTarget = { kind: "mrn" } | { kind: "patient"; patientId: string };

export type InstanceStored = {
  ok: true;
  created: boolean;
  scanId: string;
  patientId: string;
  assessmentId: string | null;
  sopClassUid: string | null;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
};
export type InstanceFailed = {
  ok: false;
  sopClassUid: string | null;
  sopInstanceUid: string | null;
  reason: FailureReason;
  code: string;
  message: string;
};
export type InstanceOutcome = InstanceStored | InstanceFailed;

export type IngestContext = {
  actor: Actor;
  request: RequestInfo;
  /** "stow-rs" or "pacs-import:<source name>", recorded in the audit row */
  via: string;
  target: IngestTarget;
  /** STOW-RS to /dicomweb/studies/{study}: every instance must belong to that study */
  studyInstanceUid?: string;
};

const failed = (i: Partial<Pick<InspectedScan, "sopInstanceUid">> & { sopClassUid?: string | null } | null, reason: FailureReason, code: string, message: string): InstanceFailed => ({
  ok: false,
  sopClassUid: i?.sopClassUid ?? null,
  sopInstanceUid: i?.sopInstanceUid ?? null,
  reason,
  code,
  message,
});

/** HTTP-ish inspection failures → PS3.18 failure reasons. */
function reasonFor(e: AppError): FailureReason {
  if (e.code === "decoder_busy" || e.code === "decode_timeout") return FAILURE.outOfResources;
  if (e.code === "unsupported_transfer_syntax") return FAILURE.transferSyntaxNotSupported;
  if (e.code === "no_pixel_data" || e.code === "unsupported_pixel_format" || e.code === "unsupported_image" || e.code === "content_mismatch") return FAILURE.sopClassNotSupported;
  if (e.status === 413) return FAILURE.outOfResources;
  return FAILURE.cannotUnderstand;
}

/**
 * Inspects, matches and stores one instance. `bytes` must be a whole DICOM Part 10 file. Throws only
 * for failures of the server itself (database down, disk full); everything about the instance is
 * an `InstanceFailed`.
 */
export async function ingestInstance(db: PrismaClient, queue: AssessmentQueue, bytes: Uint8Array, ctx: IngestContext): Promise<InstanceOutcome> {
  let inspected: InspectedScan;
  try {
    inspected = await inspectUpload(bytes, "instance.dcm", {});
  } catch (e) {
    if (e instanceof AppError && e.status < 500) return failed(null, reasonFor(e), e.code, e.message);
    if (e instanceof AppError && e.code === "decoder_busy") return failed(null, FAILURE.outOfResources, e.code, e.message);
    throw e;
  }
  const ids = { sopInstanceUid: inspected.sopInstanceUid, sopClassUid: inspected.metadata.dicom?.sopClassUid ?? null };
  if (inspected.contentType !== "application/dicom" || !inspected.dicom)
    return failed(ids, FAILURE.sopClassNotSupported, "not_dicom", "Only DICOM instances can be stored through DICOMweb.");
  const { studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sop } = inspected;
  if (!study || !series || !sop)
    return failed(ids, FAILURE.cannotUnderstand, "missing_uid", "The instance lacks its Study, Series or SOP Instance UID.");
  if (ctx.studyInstanceUid && study !== ctx.studyInstanceUid)
    return failed(ids, FAILURE.doesNotMatch, "study_mismatch", `The instance belongs to study ${study}, not to ${ctx.studyInstanceUid} named in the request.`);

  // which patient
  let patient: { id: string; mrn: string; givenName: string; familyName: string; birthDate: Date } | null;
  const select = { id: true, mrn: true, givenName: true, familyName: true, birthDate: true } as const;
  if (ctx.target.kind === "patient") {
    patient = await db.patient.findUnique({ where: { id: ctx.target.patientId }, select });
    if (!patient) return failed(ids, FAILURE.processingFailure, "patient_not_found", "The patient record no longer exists.");
    const mismatch = patientMismatch(inspected.dicom, patient);
    if (mismatch)
      return failed(ids, FAILURE.processingFailure, "patient_mismatch", `The instance belongs to ${mismatch.dicom.patientName ?? "another patient"} (ID ${mismatch.dicom.patientId ?? "none"}), not ${mismatch.record.name} (MRN ${mismatch.record.mrn}).`);
  } else {
    const pid = inspected.dicom.patientId?.trim();
    if (!pid) return failed(ids, FAILURE.processingFailure, "patient_id_missing", "The instance has no Patient ID, so no patient record can be chosen (Patient ID must be the patient's MRN).");
    patient = await db.patient.findFirst({ where: { mrn: { equals: pid, mode: "insensitive" } }, select });
    if (!patient) return failed(ids, FAILURE.processingFailure, "unknown_patient", `No patient has the MRN ${pid} (the instance's Patient ID); create the patient first.`);
  }
  const conflict = identityConflict(inspected.dicom, patient);
  if (conflict) return failed(ids, FAILURE.processingFailure, "patient_mismatch", conflict);
  const otherOwner = await db.scan.findFirst({ where: { studyInstanceUid: study, patientId: { not: patient.id } }, select: { patientId: true } });
  if (otherOwner) return failed(ids, FAILURE.processingFailure, "study_of_another_patient", `Study ${study} is already stored for another patient; an instance of it cannot be filed under MRN ${patient.mrn}.`);

  const store = scanStoreFor(db);
  const staged = await store.stage(bytes);
  const patientId = patient.id;
  try {
    const outcome = await db.$transaction(
      async (tx) => {
        await lockInstance(tx, patientId, sop);
        const existing = await existingInstance(tx, patientId, sop, staged.sha256);
        if (existing) return { created: false as const, ...existing };
        const s = await storeScan(tx, queue, {
          patientId,
          file: staged,
          inspected,
          requestedById: ctx.actor.source ? null : ctx.actor.userId,
          extraMetadata: { receivedVia: ctx.via },
        });
        await audit(tx, {
          actor: ctx.actor,
          action: "scan.create",
          entityType: "Scan",
          entityId: s.scan.id,
          patientId,
          outcome: "success",
          request: ctx.request,
          details: { via: ctx.via, sha256: staged.sha256, modality: inspected.modality, bytes: staged.size, assessmentId: s.assessment.id, studyInstanceUid: study, seriesInstanceUid: series, sopInstanceUid: sop },
        });
        return { created: true as const, scanId: s.scan.id, assessmentId: s.assessment.id };
      },
      { timeout: 60_000 },
    );
    if (outcome.created) {
      putDecoded(outcome.scanId, inspected.frame);
      assessmentQueued();
    }
    return { ok: true, created: outcome.created, scanId: outcome.scanId, assessmentId: outcome.assessmentId, patientId, sopClassUid: ids.sopClassUid, sopInstanceUid: sop, studyInstanceUid: study, seriesInstanceUid: series };
  } finally {
    await staged.discard();
  }
}

/** Serialises writers of one (patient, instance) until the transaction ends (PostgreSQL and PGlite). */
async function lockInstance(tx: Prisma.TransactionClient, patientId: string, sop: string): Promise<void> {
  await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtextextended($1, 15))::text AS locked`, `${patientId}/${sop}`);
}

async function existingInstance(tx: Prisma.TransactionClient, patientId: string, sop: string, sha256: string): Promise<{ scanId: string; assessmentId: string | null } | null> {
  const bySop = await tx.scan.findFirst({
    where: { patientId, sopInstanceUid: sop },
    orderBy: { createdAt: "asc" },
    select: { id: true, assessments: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true } } },
  });
  if (bySop) return { scanId: bySop.id, assessmentId: bySop.assessments[0]?.id ?? null };
  const byBytes = await findStoredScan(tx, patientId, sha256);
  return byBytes ? { scanId: byBytes.scan.id, assessmentId: byBytes.assessment?.id ?? null } : null;
}
