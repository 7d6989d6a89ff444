/**
 * Assessments as FHIR RiskAssessment. `readAssessments` is the ONE place lib/fhir reads stored
 * assessments (the stored shape is owned by the assessment pipeline; adapt here when it changes).
 */
import { z } from "zod";
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { HeadScore } from "@/lib/domain/assessment";
import { HEAD_LABELS } from "@/lib/db/assessments";
import { SYSTEM } from "./codes";
import { reference, type FhirResource } from "./mapping";

type Db = PrismaClient | Prisma.TransactionClient;

export const RESEARCH_NOTICE =
  "Research use only — not for diagnosis. The model is trained on a synthetic cohort; it is not a medical device.";

const Attribution = z.object({ label: z.string(), value: z.string().nullable().optional(), contribution: z.number(), direction: z.enum(["raises", "lowers"]) });
const StoredExplanation = z
  .looseObject({
    featureAttributionsByHead: z.record(z.string(), z.array(Attribution)).optional(),
    headLabels: z.record(z.string(), z.string()).optional(),
    intervalMethod: z.string().optional(),
  })
  .nullable()
  .catch(null);

export type StoredAssessment = {
  id: string;
  patientId: string;
  scanId: string | null;
  modelName: string;
  modelVersion: string;
  strategy: string;
  createdAt: string;
  completedAt: string;
  scores: Record<string, HeadScore>;
  headLabels: Record<string, string>;
  topFactors: Record<string, z.infer<typeof Attribution>[]>;
  flags: string[];
};

/** The patient's finished assessments, newest first (failed, queued and running ones are not risk statements). */
export async function readAssessments(db: Db, patientId: string, opts: { ids?: string[] } = {}): Promise<StoredAssessment[]> {
  const rows = await db.assessment.findMany({
    where: { patientId, status: "done", ...(opts.ids ? { id: { in: opts.ids } } : {}) },
    orderBy: [{ completedAt: "desc" }, { id: "asc" }],
    take: 100,
    select: { id: true, patientId: true, scanId: true, modelName: true, modelVersion: true, strategy: true, createdAt: true, completedAt: true, scores: true, explanation: true, flags: true },
  });
  const out: StoredAssessment[] = [];
  for (const r of rows) {
    const scores = z.record(z.string(), HeadScore).safeParse(r.scores);
    if (!scores.success || !Object.keys(scores.data).length) continue;
    const ex = StoredExplanation.parse(r.explanation);
    out.push({
      id: r.id,
      patientId: r.patientId,
      scanId: r.scanId,
      modelName: r.modelName,
      modelVersion: r.modelVersion,
      strategy: r.strategy,
      createdAt: r.createdAt.toISOString(),
      completedAt: (r.completedAt ?? r.createdAt).toISOString(),
      scores: scores.data,
      headLabels: { ...HEAD_LABELS, ...(ex?.headLabels ?? {}) },
      topFactors: ex?.featureAttributionsByHead ?? {},
      flags: r.flags,
    });
  }
  return out;
}

/** "lung_cancer_2y" → 2 (years); null when the head name carries no horizon. */
export function horizonYears(head: string): number | null {
  const m = /_(\d+)y$/.exec(head);
  return m ? Number(m[1]) : null;
}

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

/**
 * One RiskAssessment: a prediction per outcome head (calibrated probability, horizon, category,
 * the uncertainty interval in the rationale), `basis` = the record entries and scan the assessment
 * read, `method` = the model version, the research-use notice as a note.
 */
export function toRiskAssessment(a: StoredAssessment, basis: { reference: string }[]): FhirResource {
  return {
    resourceType: "RiskAssessment",
    id: a.id,
    meta: { lastUpdated: a.completedAt },
    status: "final",
    method: {
      coding: [{ system: SYSTEM.model, code: `${a.modelName}@${a.modelVersion}`, display: `${a.modelName} ${a.modelVersion}` }],
      text: `${a.modelName} ${a.modelVersion} (${a.strategy === "tabular_only" ? "record-only network" : `${a.strategy} fusion`})`,
    },
    subject: reference("Patient", a.patientId),
    occurrenceDateTime: a.completedAt,
    basis,
    prediction: Object.entries(a.scores).map(([head, s]) => {
      const years = horizonYears(head);
      const label = a.headLabels[head] ?? head;
      return {
        outcome: { coding: [{ system: SYSTEM.outcome, code: head, display: label }], text: label },
        probabilityDecimal: round(s.probability),
        ...(years ? { whenRange: { low: { value: 0, unit: "years", system: SYSTEM.ucum, code: "a" }, high: { value: years, unit: "years", system: SYSTEM.ucum, code: "a" } } } : {}),
        qualitativeRisk: { coding: [{ system: SYSTEM.riskProbability, code: s.category, display: s.category }] },
        rationale: `Calibrated probability ${pct(s.probability)} (uncertainty interval ${pct(s.interval[0])}–${pct(s.interval[1])}), ${s.category} risk by the model's category thresholds${a.scanId ? "" : "; scored on the record alone (no scan)"}.`,
      };
    }),
    note: [{ text: RESEARCH_NOTICE }],
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
