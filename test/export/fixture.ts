// A small identified cohort with scans and finished assessments, for export tests. Every
// identifying value the database holds (names, MRNs, birth dates, DICOM UIDs, a free-text note,
// scan metadata) is returned so a test can scan the exported bytes for it.
import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { generateCohort } from "@/models/fusion/cohort";
import { seedPatients } from "@/lib/db/seed-cohort";

export type FixturePatient = {
  id: string;
  mrn: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  sex: string;
  conditions: { codeSystem: string; code: string; onsetDate: string | null }[];
  familyHistory: { code: string }[];
};
export type FixtureAssessment = { id: string; patientId: string; createdAt: Date; modelName: string; modelVersion: string; strategy: string; modality: string | null; fused: number[] };
export type Fixture = { patients: FixturePatient[]; assessments: FixtureAssessment[]; uids: string[]; dims: { image: number; tabular: number; fused: number } };

const HEADS = ["lung_cancer_2y", "mace_5y"];

/** Deterministic pseudo-random in [0,1) from a string (no Math.random: reproducible fixtures). */
function rand(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export async function seedFixture(db: PrismaClient, opts: { n?: number; seed?: number } = {}): Promise<Fixture> {
  const n = opts.n ?? 24;
  const cohort = generateCohort({ n, seed: opts.seed ?? 11 });
  // one very old patient (top-coding) and one whose name needs CSV quoting if it ever leaked
  cohort[0].patient.birthDate = "1931-02-03";
  cohort[1].patient.familyName = "O'Hara, \"Quoted\"";
  // outcomes after the assessment date (labels)
  cohort[2].conditions.push({ codeSystem: "ICD10", code: "C34.1", display: "Lung cancer, upper lobe", onsetDate: "2025-09-01", status: "active" });
  cohort[3].conditions.push({ codeSystem: "ICD10", code: "I21.4", display: "NSTEMI", onsetDate: "2026-02-01", status: "active" });
  await seedPatients(db, cohort);
  const rows = await db.patient.findMany({ include: { conditions: true, familyHistory: true }, orderBy: { mrn: "asc" } });
  const patients: FixturePatient[] = rows.map((p) => ({
    id: p.id,
    mrn: p.mrn,
    givenName: p.givenName,
    familyName: p.familyName,
    birthDate: p.birthDate.toISOString().slice(0, 10),
    sex: p.sex,
    conditions: p.conditions.map((c) => ({ codeSystem: c.codeSystem, code: c.code, onsetDate: c.onsetDate?.toISOString().slice(0, 10) ?? null })),
    familyHistory: p.familyHistory.map((f) => ({ code: f.code })),
  }));
  const dims = { image: 8, tabular: 8, fused: 64 };
  const uids: string[] = [];
  const assessments: FixtureAssessment[] = [];
  const vec = (key: string, d: number) => Array.from({ length: d }, (_, i) => Math.round((rand(`${key}/${i}`) * 2 - 1) * 1e6) / 1e6 + (i === 0 ? 1e-9 : 0));
  let k = 0;
  for (const p of patients) {
    const i = k++;
    const modality = i % 5 === 4 ? null : i % 3 === 0 ? "MR" : "CT";
    let scanId: string | null = null;
    if (modality) {
      const study = `1.2.826.0.1.3680043.10.543.${1000 + i}`;
      const series = `${study}.1`;
      const sop = `${series}.1`;
      uids.push(study, series, sop);
      const bytes = Buffer.from(`fake scan of ${p.givenName} ${p.familyName} ${p.mrn}`);
      const s = await db.scan.create({
        data: {
          patientId: p.id,
          modality,
          studyInstanceUid: study,
          seriesInstanceUid: series,
          sopInstanceUid: sop,
          acquisitionDate: new Date("2025-03-10T00:00:00Z"),
          bodyPart: "CHEST",
          rows: 512,
          columns: 512,
          frames: 1,
          transferSyntaxUid: "1.2.840.10008.1.2.1",
          photometricInterpretation: "MONOCHROME2",
          contentType: "application/dicom",
          byteSize: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
          bytes,
          metadata: { PatientName: `${p.familyName}^${p.givenName}`, PatientID: p.mrn, PatientBirthDate: p.birthDate.replace(/-/g, ""), StudyInstanceUID: study },
        },
      });
      scanId = s.id;
    }
    const plan = [
      { createdAt: new Date("2025-03-15T10:00:00Z"), modelName: "fusion-joint", modelVersion: "1.0.0", strategy: modality ? "joint" : "tabular_only" },
      ...(i % 2 === 0 ? [{ createdAt: new Date("2026-06-01T09:30:00Z"), modelName: "fusion-late", modelVersion: "0.9.0", strategy: modality ? "late" : "tabular_only" }] : []),
    ];
    for (const a of plan) {
      const id = randomUUID();
      const fused = vec(`${id}/fused`, dims.fused);
      const scores = Object.fromEntries(
        HEADS.map((h) => {
          const pr = Math.round(rand(`${id}/${h}`) * 1e6) / 1e6;
          return [h, { probability: pr, interval: [Math.max(0, pr - 0.05), Math.min(1, pr + 0.05)], category: pr > 0.2 ? "high" : pr > 0.05 ? "moderate" : "low" }];
        }),
      );
      await db.assessment.create({
        data: {
          id,
          patientId: p.id,
          scanId: a.strategy === "tabular_only" ? null : scanId,
          modelName: a.modelName,
          modelVersion: a.modelVersion,
          strategy: a.strategy as never,
          status: "done",
          scores,
          embeddings: { image: a.strategy === "tabular_only" ? null : vec(`${id}/image`, dims.image), tabular: vec(`${id}/tabular`, dims.tabular), fused },
          explanation: { note: `explained for ${p.familyName}` },
          timings: { total: 12 },
          createdAt: a.createdAt,
          completedAt: a.createdAt,
        },
      });
      assessments.push({ id, patientId: p.id, createdAt: a.createdAt, modelName: a.modelName, modelVersion: a.modelVersion, strategy: a.strategy, modality: a.strategy === "tabular_only" ? null : modality, fused });
    }
  }
  // an unfinished assessment is never exported
  await db.assessment.create({ data: { patientId: patients[0].id, modelName: "fusion-joint", modelVersion: "1.0.0", strategy: "joint", status: "queued" } });
  return { patients, assessments, uids, dims };
}

/** The whole response body. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

/** Minimal RFC 4180 parser (quoted fields, doubled quotes, \n line ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let f = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          f += '"';
          i++;
        } else q = false;
      } else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ",") {
      row.push(f);
      f = "";
    } else if (ch === "\n") {
      row.push(f);
      rows.push(row);
      row = [];
      f = "";
    } else f += ch;
  }
  if (f || row.length) {
    row.push(f);
    rows.push(row);
  }
  return rows;
}
