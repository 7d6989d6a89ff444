import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { NotFoundError } from "@/lib/domain/errors";
import { describeAssessmentFlags, type AssessmentNotice, type ImageCheckView } from "@/lib/domain/assessment-flags";

type Db = PrismaClient | Prisma.TransactionClient;

/*
 * Read side of assessments for the clinician workspace. The Assessment row stores JSON written
 * by the fusion pipeline (lib/fusion → lib/jobs):
 *   scores       { [head]: { probability, interval: [lo, hi], category } }
 *   explanation  { modalityContributions: { image, history, family, diet } (or an array of
 *                  { modality, weight }), featureAttributions: [{ feature, label, value?,
 *                  contribution, direction }], saliency: { width, height, data (base64 uint8),
 *                  frame? } }
 * The normalisers below read that shape tolerantly (older rows, partial rows, failed runs), so the
 * risk panel never crashes on a field the pipeline renamed; unknown parts are dropped, not guessed.
 */

export type RiskCategory = "low" | "moderate" | "high" | "unknown";
export type HeadScore = { head: string; label: string; probability: number; interval: [number, number] | null; category: RiskCategory };
export type ModalityContribution = { modality: string; label: string; share: number; direction: "raises" | "lowers" };
export type FeatureAttribution = { feature: string; label: string; contribution: number; direction: "raises" | "lowers"; value: string | null };
export type SaliencyMap = { width: number; height: number; data: string; frame: number };

export type AssessmentView = {
  id: string;
  patientId: string;
  scanId: string | null;
  modelName: string;
  modelVersion: string;
  strategy: string;
  status: "queued" | "running" | "done" | "failed";
  error: string | null;
  flags: string[];
  createdAt: string;
  completedAt: string | null;
  scores: HeadScore[];
  modalityContributions: ModalityContribution[];
  /** the head the contributions / saliency explain (lib/domain/assessment modalityContributionsHead) */
  explainedHead: string | null;
  featureAttributions: FeatureAttribution[];
  hasSaliency: boolean;
  /** the image out-of-distribution check, when the image was checked */
  imageCheck: ImageCheckView | null;
  /** the flags in words, cautions first (lib/domain/assessment-flags.ts) */
  notices: AssessmentNotice[];
  timings: Record<string, number>;
};

export type AssessmentDetail = AssessmentView & { saliency: SaliencyMap | null };

export const HEAD_LABELS: Record<string, string> = {
  lung_cancer_2y: "Lung cancer (2 years)",
  mace_5y: "Major adverse cardiac event (5 years)",
};
const MODALITY_LABELS: Record<string, string> = {
  image: "Image",
  history: "Medical history",
  family: "Family history",
  familyHistory: "Family history",
  family_history: "Family history",
  diet: "Diet",
  tabular: "Tabular",
};

// the order the explanation is read in: image first, then the record blocks
const MODALITY_ORDER = ["image", "tabular", "history", "family", "familyHistory", "family_history", "diet"];

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
/** "history.smoking_pack_years" → "Smoking pack years" (block prefix dropped; shown under its block). */
const humanize = (s: string) => (s.split(".").pop() || s).replace(/([a-z])([A-Z])/g, "$1 $2").replace(/_+/g, " ").replace(/^\w/, (c) => c.toUpperCase());

/** Category thresholds used only when the pipeline stored no category (documented on the card). */
export function categoryFor(p: number): RiskCategory {
  return p >= 0.2 ? "high" : p >= 0.05 ? "moderate" : "low";
}

export function normaliseScores(raw: unknown): HeadScore[] {
  const o = obj(raw);
  if (!o) return [];
  const out: HeadScore[] = [];
  for (const [head, v] of Object.entries(o)) {
    const s = obj(v);
    const p = num(s?.probability ?? v);
    if (p === null) continue;
    const iv = Array.isArray(s?.interval) && s!.interval.length === 2 && num(s!.interval[0]) !== null && num(s!.interval[1]) !== null
      ? ([s!.interval[0], s!.interval[1]] as [number, number])
      : null;
    const cat = typeof s?.category === "string" && ["low", "moderate", "high"].includes(s.category) ? (s.category as RiskCategory) : categoryFor(p);
    out.push({ head, label: (typeof s?.label === "string" && s.label) || HEAD_LABELS[head] || humanize(head), probability: p, interval: iv, category: cat });
  }
  // jsonb does not keep key order: a stable order, so the same head is always in the same place
  return out.sort((a, b) => a.head.localeCompare(b.head));
}

export function normaliseContributions(raw: unknown): ModalityContribution[] {
  let entries: [string, number][] = [];
  if (Array.isArray(raw)) {
    for (const e of raw) {
      const o = obj(e);
      const m = typeof o?.modality === "string" ? o.modality : null;
      const w = num(o?.share ?? o?.weight ?? o?.value);
      if (m && w !== null) entries.push([m, w]);
    }
  } else if (obj(raw)) {
    entries = Object.entries(obj(raw)!).flatMap(([k, v]) => (num(v) === null ? [] : [[k, num(v)!] as [string, number]]));
  }
  const total = entries.reduce((s, [, w]) => s + Math.abs(w), 0);
  if (!total) return [];
  const rank = (m: string) => {
    const i = MODALITY_ORDER.indexOf(m);
    return i < 0 ? MODALITY_ORDER.length : i;
  };
  entries.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
  // Shapley values can be negative (a block that lowers the risk): the bar shows each block's
  // share of the total |contribution|, and the direction separately
  return entries.map(([m, w]) => ({ modality: m, label: MODALITY_LABELS[m] ?? humanize(m), share: Math.abs(w) / total, direction: w < 0 ? "lowers" : "raises" }));
}

export function normaliseAttributions(raw: unknown, limit = 8): FeatureAttribution[] {
  if (!Array.isArray(raw)) return [];
  const out: FeatureAttribution[] = [];
  for (const e of raw) {
    const o = obj(e);
    if (!o) continue;
    const feature = typeof o.feature === "string" ? o.feature : typeof o.name === "string" ? o.name : null;
    const c = num(o.contribution ?? o.attribution ?? o.weight);
    if (!feature || c === null) continue;
    const dir = o.direction === "raises" || o.direction === "increases" || o.direction === "up" ? "raises"
      : o.direction === "lowers" || o.direction === "decreases" || o.direction === "down" ? "lowers"
      : c >= 0 ? "raises" : "lowers";
    const value = o.value === undefined || o.value === null ? null : typeof o.value === "number" ? String(Math.round(o.value * 100) / 100) : String(o.value);
    out.push({ feature, label: (typeof o.label === "string" && o.label) || humanize(feature), contribution: c, direction: dir, value });
  }
  return out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)).slice(0, limit);
}

export function normaliseSaliency(raw: unknown): SaliencyMap | null {
  const s = obj(obj(raw)?.saliency);
  if (!s) return null;
  const width = num(s.width);
  const height = num(s.height);
  if (!width || !height || typeof s.data !== "string") return null;
  return { width, height, data: s.data, frame: num(s.frame) ?? 0 };
}

type Row = {
  id: string; patientId: string; scanId: string | null; modelName: string; modelVersion: string; strategy: string; status: string;
  error: string | null; flags: string[]; createdAt: Date; completedAt: Date | null; scores: unknown; explanation?: unknown; timings?: unknown;
};

function normaliseImageCheck(v: unknown): ImageCheckView | null {
  const o = obj(v);
  const distance = num(o?.distance), threshold = num(o?.threshold);
  if (!o || distance === null || threshold === null || typeof o.inDistribution !== "boolean") return null;
  return { distance, threshold, inDistribution: o.inDistribution };
}

export function toAssessmentView(r: Row): AssessmentView {
  const ex = obj(r.explanation);
  const imageCheck = normaliseImageCheck(ex?.imageCheck);
  const timings: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj(r.timings) ?? {})) if (num(v) !== null) timings[k] = v as number;
  return {
    id: r.id,
    patientId: r.patientId,
    scanId: r.scanId,
    modelName: r.modelName,
    modelVersion: r.modelVersion,
    strategy: r.strategy,
    status: r.status as AssessmentView["status"],
    error: r.error,
    flags: r.flags ?? [],
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
    scores: normaliseScores(r.scores),
    // a record-only assessment did not use the image: no "Image 0%" slice in its explanation
    modalityContributions: normaliseContributions(ex?.modalityContributions).filter((m) => !(r.strategy === "tabular_only" && m.modality === "image")),
    explainedHead: typeof ex?.modalityContributionsHead === "string" ? ex.modalityContributionsHead : typeof obj(ex?.saliency)?.head === "string" ? (obj(ex?.saliency)!.head as string) : null,
    featureAttributions: normaliseAttributions(ex?.featureAttributions),
    hasSaliency: normaliseSaliency(ex) !== null,
    imageCheck,
    notices: r.status === "done" ? describeAssessmentFlags(r.flags ?? [], imageCheck) : [],
    timings,
  };
}

const viewSelect = {
  id: true, patientId: true, scanId: true, modelName: true, modelVersion: true, strategy: true, status: true, error: true,
  flags: true, createdAt: true, completedAt: true, scores: true, explanation: true, timings: true,
} as const;

/** One assessment with its saliency map (GET /api/assessments/{id}). */
export async function getAssessment(db: Db, id: string): Promise<AssessmentDetail> {
  const row = await db.assessment.findUnique({ where: { id }, select: viewSelect });
  if (!row) throw new NotFoundError("Assessment", id);
  return { ...toAssessmentView(row), saliency: normaliseSaliency(row.explanation) };
}

/**
 * A patient's assessments, newest first, without saliency maps (history chart, risk panel). The
 * saliency maps (image-sized, base64, one per head) are cut out in SQL so a long history stays a
 * small read; a record-only assessment stores `saliency: null`, which is not a map.
 */
export async function listAssessments(db: Db, patientId: string, opts: { take?: number } = {}): Promise<AssessmentView[]> {
  const take = Math.min(Math.max(opts.take ?? 100, 1), 500);
  const rows = await db.$queryRaw<(Row & { hasSaliency: boolean })[]>`
    SELECT "id", "patientId", "scanId", "modelName", "modelVersion", "strategy"::text AS "strategy", "status"::text AS "status",
           "error", "flags", "createdAt", "completedAt", "scores", "timings",
           ("explanation" - 'saliency' - 'saliencyByHead') AS "explanation",
           COALESCE(jsonb_typeof("explanation" -> 'saliency') = 'object', false) AS "hasSaliency"
      FROM "Assessment"
     WHERE "patientId" = ${patientId}::uuid
     ORDER BY "createdAt" DESC
     LIMIT ${take}`;
  return rows.map((r) => ({ ...toAssessmentView(r), hasSaliency: r.hasSaliency }));
}
