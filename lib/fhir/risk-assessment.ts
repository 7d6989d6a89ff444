/**
 * Assessments as FHIR RiskAssessment. `readAssessments` is the ONE place lib/fhir reads stored
 * assessments: each finished row is parsed with the schema the worker validated it with before it
 * wrote it (lib/domain/assessment.ts, `StoredAssessmentDetail`: StoredAssessment without the
 * embeddings and the per-head saliency maps, which are cut out in SQL; the headline map stays, a
 * small model-resolution map the narrative reads to say where the saliency concentrates); the
 * outcomes are named in the model's words from the model registry (ModelVersion.outcomes,
 * lib/db/model-registry.ts `modelOutcomes`) — a model version that is not registered shows its
 * head ids. The assessment in words (lib/narrative) is the RiskAssessment's second note.
 */
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { StoredAssessmentDetail, describeIssues, type StoredScores } from "@/lib/domain/assessment";
import { buildNarrative } from "@/lib/narrative";
import type { FusionStrategy } from "@/lib/domain/enums";
import { modelKey, modelOutcomes } from "@/lib/db/model-registry";
import { SYSTEM } from "./codes";
import { reference, type FhirResource } from "./mapping";

type Db = PrismaClient | Prisma.TransactionClient;

export const RESEARCH_NOTICE =
  "Research use only — not for diagnosis. The model is trained on a synthetic cohort; it is not a medical device.";

/** A finished assessment as a RiskAssessment needs it. */
export type FhirAssessment = {
  id: string;
  patientId: string;
  scanId: string | null;
  modelName: string;
  modelVersion: string;
  strategy: FusionStrategy;
  createdAt: string;
  completedAt: string;
  scores: StoredScores;
  /** head → the model's label (registry); heads of an unregistered model version are absent */
  headLabels: Record<string, string>;
  flags: string[];
  /** the assessment in words (lib/narrative), the same text the risk panel shows */
  narrative: string;
};

type Row = {
  id: string; patientId: string; scanId: string | null; modelName: string; modelVersion: string; strategy: string;
  createdAt: Date; completedAt: Date | null; scores: unknown; explanation: unknown; timings: unknown; flags: string[];
};

/**
 * The patient's finished assessments in force, newest first (failed, queued and running ones,
 * and ones entered in error or superseded, are not risk statements). A finished row whose stored result does not parse is left out and logged — never
 * guessed at (the dashboard shows it as unreadable).
 */
export async function readAssessments(db: Db, patientId: string): Promise<FhirAssessment[]> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT "id", "patientId", "scanId", "modelName", "modelVersion", "strategy"::text AS "strategy", "createdAt", "completedAt",
           "scores", "timings", "flags", ("explanation" - 'saliencyByHead') AS "explanation"
      FROM "Assessment" a
     WHERE "patientId" = ${patientId}::uuid AND "status" = 'done'
       -- entered in error, superseded, or of a scan entered in error: not a risk statement (lib/db/in-force.ts)
       AND a."enteredInErrorAt" IS NULL AND a."supersededAt" IS NULL
       AND (a."scanId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Scan" s WHERE s."id" = a."scanId" AND s."enteredInErrorAt" IS NOT NULL))
     ORDER BY "completedAt" DESC NULLS LAST, "id" ASC
     LIMIT 100`;
  const outcomes = await modelOutcomes(db, rows);
  const out: FhirAssessment[] = [];
  for (const r of rows) {
    const p = StoredAssessmentDetail.safeParse({ modelName: r.modelName, modelVersion: r.modelVersion, strategy: r.strategy, scores: r.scores, explanation: r.explanation, timings: r.timings, flags: r.flags });
    if (!p.success) {
      console.warn(`[fhir] assessment ${r.id}: the stored result does not match the assessment schema (${describeIssues(p.error)}); left out of RiskAssessment`);
      continue;
    }
    const labels = outcomes.get(modelKey(r.modelName, r.modelVersion));
    out.push({
      id: r.id,
      patientId: r.patientId,
      scanId: r.scanId,
      modelName: p.data.modelName,
      modelVersion: p.data.modelVersion,
      strategy: p.data.strategy,
      createdAt: r.createdAt.toISOString(),
      completedAt: (r.completedAt ?? r.createdAt).toISOString(),
      scores: p.data.scores,
      headLabels: Object.fromEntries([...(labels?.values() ?? [])].map((o) => [o.head, o.label])),
      flags: p.data.flags,
      narrative: buildNarrative({ assessment: p.data, outcomes: labels }).text,
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
 * read, `method` = the model version, the research-use notice as the first note and the assessment
 * in words (lib/narrative) as the second.
 */
export function toRiskAssessment(a: FhirAssessment, basis: { reference: string }[]): FhirResource {
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
    note: [{ text: RESEARCH_NOTICE }, { text: a.narrative }],
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
