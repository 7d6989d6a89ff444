/**
 * Shadow vs active on the same assessments (README.md "Shadow"): per head, how often the risk
 * category agrees, the mean |Δ probability|, and — on patients whose outcome is known after the
 * assessment (lib/outcomes labels, index date = the assessment's date) — AUROC of each.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { StoredScores } from "@/lib/domain/assessment";
import { toIsoDate } from "@/lib/domain";
import { deriveLabel } from "@/lib/outcomes/labels";
import { outcomeFacts } from "@/lib/outcomes/service";

export type ShadowHead = { head: string; n: number; agreement: number | null; meanAbsDelta: number | null; labelled: number; events: number; aurocActive: number | null; aurocShadow: number | null };
export type ShadowComparison = { assessments: number; activeVersions: string[]; heads: ShadowHead[] };

/** AUROC (Mann–Whitney, ties count ½); null without both classes. */
export function auroc(p: number[], y: (0 | 1)[]): number | null {
  const pos = p.filter((_, i) => y[i] === 1);
  const neg = p.filter((_, i) => y[i] === 0);
  if (!pos.length || !neg.length) return null;
  let s = 0;
  for (const a of pos) for (const b of neg) s += a > b ? 1 : a === b ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

export async function compareShadow(db: PrismaClient, modelVersionId: string): Promise<ShadowComparison> {
  const rows = await db.shadowScore.findMany({ where: { modelVersionId }, select: { assessmentId: true, scores: true } });
  const assessments = await db.assessment.findMany({
    where: { id: { in: rows.map((r) => r.assessmentId) }, status: "done" },
    select: { id: true, patientId: true, createdAt: true, scores: true, modelName: true, modelVersion: true },
  });
  const byId = new Map(assessments.map((a) => [a.id, a]));
  const facts = await outcomeFacts(db, [...new Set(assessments.map((a) => a.patientId))]);
  const heads = new Map<string, { act: number[]; sh: number[]; agree: number; labelled: { act: number[]; sh: number[]; y: (0 | 1)[] } }>();
  for (const r of rows) {
    const a = byId.get(r.assessmentId);
    const sh = StoredScores.safeParse(r.scores);
    const act = StoredScores.safeParse(a?.scores);
    if (!a || !sh.success || !act.success) continue;
    for (const [head, s] of Object.entries(sh.data)) {
      const x = act.data[head];
      if (!x) continue;
      const h = heads.get(head) ?? { act: [], sh: [], agree: 0, labelled: { act: [], sh: [], y: [] } };
      heads.set(head, h);
      h.act.push(x.probability);
      h.sh.push(s.probability);
      if (x.category === s.category) h.agree++;
      const f = facts.get(a.patientId);
      const y = deriveLabel(head, toIsoDate(a.createdAt), f?.events ?? [], f?.followUpEnd ?? null);
      if (y !== null) {
        h.labelled.act.push(x.probability);
        h.labelled.sh.push(s.probability);
        h.labelled.y.push(y);
      }
    }
  }
  return {
    assessments: assessments.length,
    activeVersions: [...new Set(assessments.map((a) => `${a.modelName}@${a.modelVersion}`))],
    heads: [...heads.entries()].map(([head, h]) => ({
      head,
      n: h.act.length,
      agreement: h.act.length ? h.agree / h.act.length : null,
      meanAbsDelta: h.act.length ? h.act.reduce((s, p, i) => s + Math.abs(p - h.sh[i]), 0) / h.act.length : null,
      labelled: h.labelled.y.length,
      events: h.labelled.y.filter((v) => v === 1).length,
      aurocActive: auroc(h.labelled.act, h.labelled.y),
      aurocShadow: auroc(h.labelled.sh, h.labelled.y),
    })),
  };
}
