import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ConflictError, NotFoundError } from "@/lib/domain/errors";
import type { ScanUploadFields } from "@/lib/domain/scan";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { putDecoded } from "@/lib/jobs/decoded-cache";
import { assessmentQueued } from "@/lib/jobs/runtime";
import { inspectUpload, patientMismatch } from "./inspect";
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
 * duplicate. A file whose DICOM header names another patient is refused (409 patient_mismatch)
 * unless `fields.confirmPatientMismatch`.
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
        const mismatch = patientMismatch(inspected.dicom, patient);
        if (mismatch && !args.fields.confirmPatientMismatch)
          throw new ConflictError(
            "patient_mismatch",
            `This file belongs to ${mismatch.dicom.patientName ?? "another patient"} (ID ${mismatch.dicom.patientId ?? "none"}), not ${mismatch.record.name} (MRN ${mismatch.record.mrn}). Confirm to attach it anyway.`,
            mismatch,
          );
        const s = await storeScan(tx, queue, {
          patientId: args.patientId,
          file: args.file,
          inspected,
          requestedById: args.actor.userId,
          extraMetadata: mismatch ? { patientMismatchConfirmed: mismatch } : {},
        });
        await audit(tx, {
          actor: args.actor,
          action: "scan.create",
          entityType: "Scan",
          entityId: s.scan.id,
          patientId: args.patientId,
          outcome: "success",
          request: args.request,
          details: { sha256, modality: inspected.modality, bytes: args.file.size, assessmentId: s.assessment.id, patientMismatchConfirmed: !!mismatch },
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
