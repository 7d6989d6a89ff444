import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { inspectUpload } from "@/lib/ingest/inspect";
import { scanRowData } from "@/lib/ingest/scan-row";
import type { ScanUploadFields } from "@/lib/domain/scan";
import type { Assessor } from "./assessor";
import { runAssessment } from "./assess-job";

export type SeedScan = { mrn: string; bytes: Uint8Array; filename: string; fields?: ScanUploadFields };

/**
 * Demo data: attaches each synthetic scan to its patient (skipping ones already there, matched by
 * sha256) and assesses it at once with the served model — the same inspection and assessment code
 * an upload goes through, without the queue.
 */
export async function seedScans(db: PrismaClient, assessor: Assessor, scans: SeedScan[]): Promise<{ created: number; existing: number }> {
  let created = 0;
  let existing = 0;
  for (const s of scans) {
    const patient = await db.patient.findUnique({ where: { mrn: s.mrn }, select: { id: true } });
    if (!patient) continue;
    const sha256 = createHash("sha256").update(s.bytes).digest("hex");
    if (await db.scan.findUnique({ where: { patientId_sha256: { patientId: patient.id, sha256 } }, select: { id: true } })) {
      existing++;
      continue;
    }
    const i = await inspectUpload(s.bytes, s.filename, s.fields ?? {});
    const assessmentId = await db.$transaction(async (tx) => {
      const scan = await tx.scan.create({
        data: scanRowData(patient.id, i, s.bytes, sha256),
        select: { id: true },
      });
      const a = await tx.assessment.create({
        data: { patientId: patient.id, scanId: scan.id, modelName: assessor.model.name, modelVersion: assessor.model.version, strategy: assessor.model.strategy },
        select: { id: true },
      });
      return a.id;
    });
    await runAssessment(db, assessor, assessmentId);
    created++;
  }
  return { created, existing };
}
