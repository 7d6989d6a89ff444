import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ConflictError, NotFoundError } from "@/lib/domain/errors";
import type { ScanUploadFields } from "@/lib/domain/scan";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { putDecoded } from "@/lib/jobs/decoded-cache";
import { assessmentQueued } from "@/lib/jobs/runtime";
import { inspectUpload } from "./inspect";
import { checkIdentity, identityMessage } from "./identity";
import { findStoredScan, storeScan, type StoredUpload } from "./store";
import type { StagedBlob } from "@/lib/storage";

export type UploadOutcome = StoredUpload & { timings: { inspect: number; store: number } };

/**
 * The upload use case (POST /api/patients/{id}/scans): inspect the file (parse and decode off the
 * request thread, within the image limits), then in ONE transaction the Scan row, its queued
 * Assessment, the queue job and the audit row. Needs the database only — the assessment is queued
 * for the registry's active model; no model is loaded here.
 *
 * The file arrives staged (`ScanStore.stage`: streamed to a private temporary file, hashed); it is
 * read into memory once for inspection and reaches the scan-file store only with its Scan row
 * (`storeScan`). The caller discards `file` afterwards, whatever happened.
 *
 * The same bytes for the same patient return the existing scan (`created: false`) instead of a
 * duplicate. A file whose DICOM header names another patient (409 patient_mismatch) or nobody
 * (409 patient_unidentified: empty, placeholder or anonymized identity) is refused unless
 * `fields.confirmPatientMismatch` with a typed `fields.identityReason`; the scan then carries the
 * flag and the reason, and the audit row both identities, the reason and the user.
 */
export async function uploadScan(
  db: PrismaClient,
  queue: AssessmentQueue,
  args: { patientId: string; file: StagedBlob; filename: string; fields: ScanUploadFields; actor: Actor; request: RequestInfo },
): Promise<UploadOutcome> {
  const t0 = performance.now();
  const inspected = await inspectUpload(await args.file.readBytes(), args.filename, args.fields);
  const t1 = performance.now();
  const sha256 = args.file.sha256;
  let stored: StoredUpload;
  try {
    stored = await db.$transaction(
      async (tx) => {
        const patient = await tx.patient.findUnique({ where: { id: args.patientId }, select: { mrn: true, givenName: true, familyName: true } });
        if (!patient) throw new NotFoundError("Patient", args.patientId);
        const dup = await findStoredScan(tx, args.patientId, sha256);
        if (dup) return dup;
        const identity = checkIdentity(inspected.dicom, patient);
        if (identity && !(args.fields.confirmPatientMismatch && args.fields.identityReason))
          throw new ConflictError(identity.flag === "other_patient" ? "patient_mismatch" : "patient_unidentified", identityMessage(identity), identity);
        const reason = identity ? args.fields.identityReason! : null;
        const s = await storeScan(tx, queue, {
          patientId: args.patientId,
          file: args.file,
          inspected,
          requestedById: args.actor.userId,
          extraMetadata: identity ? { patientMismatchConfirmed: { dicom: identity.dicom, record: identity.record } } : {},
          identity: identity ? { flag: identity.flag, reason: reason! } : null,
        });
        await audit(tx, {
          actor: args.actor,
          action: "scan.create",
          entityType: "Scan",
          entityId: s.scan.id,
          patientId: args.patientId,
          outcome: "success",
          request: args.request,
          details: {
            sha256,
            modality: inspected.modality,
            bytes: args.file.size,
            assessmentId: s.assessment.id,
            patientMismatchConfirmed: !!identity,
            // attached although the header does not name this patient: both identities and the typed reason
            ...(identity ? { identity: { flag: identity.flag, reason, header: identity.dicom, record: identity.record } } : {}),
          },
        });
        return s;
      },
      { timeout: 30_000 },
    );
  } catch (e) {
    // Two identical uploads at once: the loser of the unique (patientId, sha256) race gets the winner's scan.
    const again = (e as { code?: string }).code === "P2002" ? await findStoredScan(db, args.patientId, sha256) : null;
    if (!again) throw e;
    stored = again;
  }
  if (stored.created) {
    // the in-process worker, if it runs, takes the decoded frame instead of decoding again
    putDecoded(stored.scan.id, inspected.frame);
    assessmentQueued();
  }
  return { ...stored, timings: { inspect: t1 - t0, store: performance.now() - t1 } };
}
