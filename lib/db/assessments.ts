import type { z } from "zod";
import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { NotFoundError } from "@/lib/domain/errors";
import { describeAssessmentFlags } from "@/lib/domain/assessment-flags";
import {
  StoredAssessmentDetail, StoredAssessmentSummary, StoredScores, describeIssues,
  type AssessmentDetail, type AssessmentView, type FactorView, type HeadScoreView, type ModalityContributionView, type ModalityGroup, type OutcomeExplanationView, type OutcomeSaliencyView, type SaliencyMap, type SaliencyView,
} from "@/lib/domain/assessment";
import type { AssessmentStatus, FusionStrategy } from "@/lib/domain/enums";
import type { ModelOutcome } from "@/lib/domain/outcomes";
import { modelKey, modelOutcomes } from "./model-registry";
import type { ScanIdentityFlag } from "@/lib/domain/scan";
import { changedSince, recordHistory, type RecordHistory } from "./record-version";

type Db = PrismaClient | Prisma.TransactionClient;

/*
 * Read side of assessments for the clinician workspace. A finished row is parsed with the schema
 * the worker validated it with before writing (lib/domain/assessment.ts StoredAssessment); a row
 * that does not parse is shown as unreadable (`resultError` says why), never guessed at. Head
 * labels come from the model registry (ModelVersion.outcomes, recorded from the model bundle when
 * the model was registered); a model version that is not registered shows its head ids.
 */
export type { AssessmentDetail, AssessmentView, HeadScoreView, ModalityContributionView, SaliencyView };
export type { RiskCategory } from "@/lib/domain/outcomes";

const MODALITY_LABELS: Record<ModalityGroup, string> = { image: "Image", history: "Medical history", family: "Family history", diet: "Diet" };
// the order the explanation is read in: image first, then the record blocks
const MODALITY_ORDER: ModalityGroup[] = ["image", "history", "family", "diet"];

/** Outcomes of one model version by head (absent: not registered). */
export type HeadOutcomes = ReadonlyMap<string, ModelOutcome> | undefined;

/** Scores as the risk panel and the patient list show them, in a stable head order. */
export function scoreViews(scores: StoredScores, outcomes: HeadOutcomes): HeadScoreView[] {
  return Object.entries(scores)
    .map(([head, s]) => {
      const o = outcomes?.get(head);
      return { head, categories: o?.categories ?? null, label: o?.label ?? head, shortLabel: o?.shortLabel ?? head, probability: s.probability, interval: s.interval, category: s.category };
    })
    .sort((a, b) => a.head.localeCompare(b.head)); // jsonb does not keep key order
}

/**
 * Each group's share of the total |contribution| (Shapley values can be negative: a block that
 * lowers the risk), its direction separately. Groups that contributed exactly nothing are left out.
 */
export function contributionViews(c: Record<ModalityGroup, number>): ModalityContributionView[] {
  const entries = MODALITY_ORDER.map((m) => [m, c[m]] as const).filter(([, w]) => w !== 0);
  const total = entries.reduce((s, [, w]) => s + Math.abs(w), 0);
  if (!total) return [];
  return entries.map(([m, w]) => ({ modality: m, label: MODALITY_LABELS[m], share: Math.abs(w) / total, direction: w < 0 ? "lowers" : "raises" }));
}

/** How many factors the panel lists per outcome. */
const FACTORS_SHOWN = 8;

/**
 * Per outcome, in the order of the scores: its modality contributions and top factors. Rows
 * written since 2026-12 carry the factors as clinical facts (`factorsByHead`); older rows show
 * their stored per-head feature attributions as they were worded then.
 */
export function outcomeExplanations(s: StoredAssessmentSummary, scores: HeadScoreView[]): OutcomeExplanationView[] {
  const e = s.explanation;
  return scores.map((sc) => {
    const factors: FactorView[] = e.factorsByHead?.[sc.head]
      ? e.factorsByHead[sc.head].map((f) => ({ text: f.text, contribution: f.contribution, direction: f.direction, clinicalDirection: f.clinicalDirection, againstClinicalKnowledge: f.againstClinicalKnowledge }))
      : (e.featureAttributionsByHead[sc.head] ?? []).map((f) => ({ text: f.value !== null ? `${f.label} (${f.value})` : f.label, contribution: f.contribution, direction: f.direction, clinicalDirection: null, againstClinicalKnowledge: false }));
    const contributions = e.modalityContributionsByHead[sc.head] ?? (sc.head === e.modalityContributionsHead ? e.modalityContributions : null);
    return {
      head: sc.head,
      label: sc.label,
      // a record-only assessment did not use the image: no "Image 0%" slice in its explanation
      modalityContributions: contributions ? contributionViews(contributions).filter((m) => !(s.strategy === "tabular_only" && m.modality === "image")) : [],
      factors: [...factors].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, FACTORS_SHOWN),
    };
  });
}

type Row = {
  id: string; patientId: string; scanId: string | null; modelName: string; modelVersion: string; strategy: FusionStrategy; status: AssessmentStatus;
  error: string | null; flags: string[]; createdAt: Date; completedAt: Date | null; scores: unknown; explanation: unknown; timings: unknown;
  recordVersion: number | null; scanIdentityFlag: string | null; notBefore: Date | null;
};

const identityFlag = (v: string | null): ScanIdentityFlag | null => (v === "other_patient" || v === "unidentified" ? v : null);

/** Stored result of a finished row: parsed, or what is wrong with it. */
type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseStored<T>(schema: z.ZodType<T>, r: Row): Parsed<T> | null {
  if (r.status !== "done") return null;
  const p = schema.safeParse({ modelName: r.modelName, modelVersion: r.modelVersion, strategy: r.strategy, scores: r.scores, explanation: r.explanation, timings: r.timings, flags: r.flags });
  return p.success ? { ok: true, value: p.data } : { ok: false, error: `The stored result does not match the assessment schema: ${describeIssues(p.error)}` };
}

function toView(r: Row, stored: Parsed<StoredAssessmentSummary> | null, outcomes: HeadOutcomes, hasSaliency: boolean, history: RecordHistory | null): AssessmentView {
  const base: AssessmentView = {
    id: r.id,
    patientId: r.patientId,
    scanId: r.scanId,
    modelName: r.modelName,
    modelVersion: r.modelVersion,
    strategy: r.strategy,
    status: r.status,
    error: r.error,
    flags: r.flags,
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
    scores: [],
    modalityContributions: [],
    explainedHead: null,
    featureAttributions: [],
    hasSaliency: false,
    imageCheck: null,
    explanations: [],
    inputsOutsideTraining: [],
    intervalMethod: null,
    notices: [],
    timings: {},
    resultError: stored && !stored.ok ? stored.error : null,
    recordVersion: r.recordVersion,
    recordChanged: r.status === "done" && history ? changedSince(history, r.recordVersion) : null,
    scanIdentityFlag: identityFlag(r.scanIdentityFlag),
    scheduledFor: r.status === "queued" && r.notBefore ? r.notBefore.toISOString() : null,
  };
  if (!stored?.ok) return base;
  const s = stored.value;
  const e = s.explanation;
  const imageCheck = e.imageCheck ? { distance: e.imageCheck.distance, threshold: e.imageCheck.threshold, inDistribution: e.imageCheck.inDistribution } : null;
  const scores = scoreViews(s.scores, outcomes);
  const outside = e.inputsOutsideTraining ?? [];
  return {
    ...base,
    scores,
    // a record-only assessment did not use the image: no "Image 0%" slice in its explanation
    modalityContributions: contributionViews(e.modalityContributions).filter((m) => !(s.strategy === "tabular_only" && m.modality === "image")),
    explainedHead: e.modalityContributionsHead,
    // the headline attributions, largest |contribution| first
    featureAttributions: [...e.featureAttributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, 8),
    hasSaliency,
    imageCheck,
    explanations: outcomeExplanations(s, scores),
    inputsOutsideTraining: outside,
    intervalMethod: e.intervalMethod,
    notices: describeAssessmentFlags(s.flags, imageCheck, outside),
    timings: s.timings,
  };
}

const viewSelect = {
  id: true, patientId: true, scanId: true, modelName: true, modelVersion: true, strategy: true, status: true, error: true,
  flags: true, createdAt: true, completedAt: true, scores: true, explanation: true, timings: true, recordVersion: true, notBefore: true,
  scan: { select: { identityFlag: true } },
} as const;

/** One assessment with its saliency map (GET /api/assessments/{id}). */
export async function getAssessment(db: Db, id: string): Promise<AssessmentDetail> {
  const found = await db.assessment.findUnique({ where: { id }, select: viewSelect });
  if (!found) throw new NotFoundError("Assessment", id);
  const { scan, ...rest } = found;
  const row: Row = { ...rest, scanIdentityFlag: scan?.identityFlag ?? null };
  const stored = parseStored(StoredAssessmentDetail, row);
  const outcomes = (await modelOutcomes(db, [row])).get(modelKey(row.modelName, row.modelVersion));
  const e = stored?.ok ? stored.value.explanation : null;
  const history = row.status === "done" && row.recordVersion !== null ? await recordHistory(db, row.patientId, row.recordVersion) : null;
  const view = toView(row, stored, outcomes, !!e?.saliency, history);
  return { ...view, saliency: e?.saliency ? saliencyView(e.saliency, e.saliencyByHead, view.scores) : null };
}

/**
 * The headline map with the outcome it explains, and every outcome's map in the order of the
 * scores (the viewer's legend names the outcome and lets the clinician switch). The words are the
 * scores' own (the model version's outcomes), so the legend and the risk panel say the same thing.
 */
export function saliencyView(headline: SaliencyMap, byHead: Record<string, SaliencyMap> | undefined, scores: HeadScoreView[]): SaliencyView {
  const one = (m: SaliencyMap): OutcomeSaliencyView => {
    const s = scores.find((x) => x.head === m.head);
    return { head: m.head, label: s?.label ?? m.head, shortLabel: s?.shortLabel ?? m.head, width: m.width, height: m.height, data: m.data, frame: m.frame };
  };
  const order = (head: string) => {
    const i = scores.findIndex((s) => s.head === head);
    return i < 0 ? scores.length : i;
  };
  const maps = byHead && Object.keys(byHead).length ? Object.values(byHead) : [headline];
  return { ...one(headline), byOutcome: [...maps].sort((a, b) => order(a.head) - order(b.head) || a.head.localeCompare(b.head)).map(one) };
}

/**
 * A patient's assessments in force, newest first, without saliency maps (history chart, risk
 * panel): entered in error, superseded, or of a scan entered in error are left out. The
 * saliency maps (image-sized, base64, one per head) are cut out in SQL so a long history stays a
 * small read; a record-only assessment stores `saliency: null`, which is not a map.
 */
export async function listAssessments(db: Db, patientId: string, opts: { take?: number } = {}): Promise<AssessmentView[]> {
  const take = Math.min(Math.max(opts.take ?? 100, 1), 500);
  const rows = await db.$queryRaw<(Row & { hasSaliency: boolean })[]>`
    SELECT a."id", a."patientId", a."scanId", a."modelName", a."modelVersion", a."strategy"::text AS "strategy", a."status"::text AS "status",
           a."error", a."flags", a."createdAt", a."completedAt", a."scores", a."timings", a."recordVersion", a."notBefore",
           (a."explanation" - 'saliency' - 'saliencyByHead') AS "explanation",
           COALESCE(jsonb_typeof(a."explanation" -> 'saliency') = 'object', false) AS "hasSaliency",
           s."identityFlag" AS "scanIdentityFlag"
      FROM "Assessment" a LEFT JOIN "Scan" s ON s."id" = a."scanId"
     WHERE a."patientId" = ${patientId}::uuid
       AND a."enteredInErrorAt" IS NULL AND a."supersededAt" IS NULL AND s."enteredInErrorAt" IS NULL
     ORDER BY a."createdAt" DESC
     LIMIT ${take}`;
  const outcomes = await modelOutcomes(db, rows);
  const versions = rows.filter((r) => r.status === "done" && r.recordVersion !== null).map((r) => r.recordVersion!);
  const history = versions.length ? await recordHistory(db, patientId, Math.min(...versions)) : null;
  return rows.map((r) => toView(r, parseStored(StoredAssessmentSummary, r), outcomes.get(modelKey(r.modelName, r.modelVersion)), r.hasSaliency, history));
}
