import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { ScanUploadFields } from "@/lib/domain/scan";
import { audit } from "@/lib/auth/audit";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { inspectUpload } from "./inspect";
import { findStoredScan, storeScan } from "./store";
import { scanStoreFor } from "@/lib/db/scan-store";
import { sha256Hex } from "@/lib/storage";

export type SeedScan = { mrn: string; bytes: Uint8Array; filename: string; fields?: ScanUploadFields };

/**
 * Demo data: attaches each synthetic scan to its patient (skipping ones already there, matched by
 * sha256) through the upload path — the same inspection, the same Scan + Assessment + job writer
 * (`storeScan`), an audit row with the system as actor (source `seed`). It only queues: the caller
 * runs the jobs (scripts/db-seed.ts drains the queue with a worker of its own, so the demo cohort is
 * assessed before the server starts), or any worker picks them up.
 */
export async function seedScans(db: PrismaClient, queue: AssessmentQueue, scans: SeedScan[]): Promise<{ created: number; existing: number; assessmentIds: string[] }> {
  const store = scanStoreFor(db);
  let existing = 0;
  const assessmentIds: string[] = [];
  for (const s of scans) {
    const patient = await db.patient.findUnique({ where: { mrn: s.mrn }, select: { id: true } });
    if (!patient) continue;
    const sha256 = sha256Hex(s.bytes);
    if (await findStoredScan(db, patient.id, sha256)) {
      existing++;
      continue;
    }
    const inspected = await inspectUpload(s.bytes, s.filename, s.fields ?? {});
    const file = await store.stage(s.bytes);
    const id = await db.$transaction(async (tx) => {
      const stored = await storeScan(tx, queue, { patientId: patient.id, file, inspected, requestedById: null });
      await audit(tx, {
        actor: null,
        action: "scan.create",
        entityType: "Scan",
        entityId: stored.scan.id,
        patientId: patient.id,
        outcome: "success",
        request: { clientAddress: null, userAgent: null, source: "seed" },
        details: { sha256, modality: inspected.modality, bytes: s.bytes.byteLength, assessmentId: stored.assessment.id },
      });
      return stored.assessment.id;
    }).finally(() => file.discard());
    assessmentIds.push(id);
  }
  return { created: assessmentIds.length, existing, assessmentIds };
}
