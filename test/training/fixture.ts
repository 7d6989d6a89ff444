// A small demo cohort in a test database, as `npm run db:seed` makes it: patients from the synthetic
// generator, their outcomes from its ground truth (lib/outcomes/seed.ts), and baseline CTs (stored in
// the scan-file store, acquired on the demo index date) for the first `scans` patients.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { seedPatients } from "@/lib/db/seed-cohort";
import { scanStoreFor } from "@/lib/db/scan-store";
import { DEMO_INDEX_DATE, seedDemoOutcomes } from "@/lib/outcomes/seed";
import { generateCohort, renderScan, scanToDicom } from "@/models/fusion/cohort";
import { fromIsoDate } from "@/lib/domain";

export async function seedTrainingCohort(db: PrismaClient, opts: { n: number; seed: number; scans: number }) {
  const cohort = generateCohort({ n: opts.n, seed: opts.seed });
  await seedPatients(db, cohort);
  await seedDemoOutcomes(db, cohort.map((p) => ({ mrn: p.patient.mrn, labels: p.labels, followUpUntil: p.asOf })));
  const store = scanStoreFor(db);
  for (const p of cohort.slice(0, opts.scans)) {
    const scan = renderScan(p, { size: 128 });
    const bytes = scanToDicom({ ...p, asOf: DEMO_INDEX_DATE }, scan);
    const blob = await store.put(bytes);
    const patient = await db.patient.findUniqueOrThrow({ where: { mrn: p.patient.mrn } });
    await db.scan.create({
      data: {
        patientId: patient.id, modality: "CT", acquisitionDate: fromIsoDate(DEMO_INDEX_DATE), rows: scan.rows, columns: scan.columns, contentType: "application/dicom",
        byteSize: bytes.byteLength, sha256: blob.key, storageKey: blob.key, metadata: { dicom: { pixelSpacing: [scan.pixelSpacingMm, scan.pixelSpacingMm], imageOrientationPatient: [1, 0, 0, 0, 1, 0] } },
      },
    });
  }
  return cohort;
}
