import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { ConflictError, NotFoundError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import type { FusionStrategy } from "@/lib/generated/prisma/enums";
import type { UploadResult } from "@/lib/domain/responses";
import { patientMismatch, type InspectedScan } from "./inspect";
import { scanRowData } from "./scan-row";
import { queueAssessment } from "@/lib/jobs/queue-assessment";

export type ServedModel = { name: string; version: string; strategy: FusionStrategy };

/** The upload answer (lib/domain/responses.ts UploadResult) and whether the scan is new. */
export type StoredUpload = Omit<UploadResult, "duplicate"> & { created: boolean };

const scanSelect = { id: true, sha256: true, modality: true, rows: true, columns: true, frames: true, contentType: true, byteSize: true, createdAt: true } as const;
const assessmentSelect = { id: true, status: true, modelName: true, modelVersion: true, strategy: true } as const;

/**
 * Stores an inspected upload: Scan row, its queued Assessment and the queue job in ONE
 * transaction, with the audit row. The same bytes for the same patient return the existing scan
 * (`created: false`) instead of a duplicate. A file naming another patient is refused (409) unless
 * the user confirmed it.
 */
export async function storeUpload(
  db: PrismaClient,
  queue: AssessmentQueue,
  args: {
    patientId: string;
    bytes: Uint8Array;
    inspected: InspectedScan;
    model: ServedModel;
    confirmPatientMismatch: boolean;
    actor: Actor;
    request: RequestInfo;
  },
): Promise<StoredUpload> {
  const sha256 = createHash("sha256").update(args.bytes).digest("hex");
  const existing = () => findExisting(db, args.patientId, sha256);
  try {
    return await db.$transaction(
      async (tx) => {
        const patient = await tx.patient.findUnique({ where: { id: args.patientId }, select: { mrn: true, givenName: true, familyName: true } });
        if (!patient) throw new NotFoundError("Patient", args.patientId);
        const dup = await findExisting(tx, args.patientId, sha256);
        if (dup) return dup;
        const mismatch = patientMismatch(args.inspected.dicom, patient);
        if (mismatch && !args.confirmPatientMismatch)
          throw new ConflictError(
            "patient_mismatch",
            `This file belongs to ${mismatch.dicom.patientName ?? "another patient"} (ID ${mismatch.dicom.patientId ?? "none"}), not ${mismatch.record.name} (MRN ${mismatch.record.mrn}). Confirm to attach it anyway.`,
            mismatch,
          );
        const i = args.inspected;
        const scan = await tx.scan.create({
          data: scanRowData(args.patientId, i, args.bytes, sha256, mismatch ? { patientMismatchConfirmed: mismatch } : {}),
          select: scanSelect,
        });
        const { id, status, modelName, modelVersion, strategy } = await queueAssessment(tx, queue, {
          patientId: args.patientId,
          scanId: scan.id,
          model: args.model,
          requestedById: args.actor.userId,
        });
        const assessment = { id, status, modelName, modelVersion, strategy };
        await audit(tx, {
          actor: args.actor,
          action: "scan.create",
          entityType: "Scan",
          entityId: scan.id,
          patientId: args.patientId,
          outcome: "success",
          request: args.request,
          details: { sha256, modality: i.modality, bytes: args.bytes.byteLength, assessmentId: assessment.id, patientMismatchConfirmed: !!mismatch },
        });
        return { created: true, scan: { ...scan, createdAt: scan.createdAt.toISOString() }, assessment };
      },
      { timeout: 30_000 },
    );
  } catch (e) {
    // Two identical uploads at once: the loser of the unique (patientId, sha256) race gets the winner's scan.
    if ((e as { code?: string }).code === "P2002") {
      const again = await existing();
      if (again) return again;
    }
    throw e;
  }
}

async function findExisting(db: Pick<PrismaClient, "scan">, patientId: string, sha256: string): Promise<StoredUpload | null> {
  const s = await db.scan.findUnique({
    where: { patientId_sha256: { patientId, sha256 } },
    select: { ...scanSelect, assessments: { orderBy: { createdAt: "desc" }, take: 1, select: assessmentSelect } },
  });
  if (!s) return null;
  const { assessments, ...scan } = s;
  return { created: false, scan: { ...scan, createdAt: scan.createdAt.toISOString() }, assessment: assessments[0] ?? null };
}
