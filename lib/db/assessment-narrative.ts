import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { AppError, NotFoundError } from "@/lib/domain/errors";
import { StoredAssessmentDetail, describeIssues } from "@/lib/domain/assessment";
import type { AssessmentNarrative, NarrativeLang } from "@/lib/domain/narrative";
import { buildNarrative } from "@/lib/narrative";
import { modelKey, modelOutcomes } from "./model-registry";

type Db = PrismaClient | Prisma.TransactionClient;

type Row = {
  id: string; patientId: string; modelName: string; modelVersion: string; strategy: string; status: string;
  scores: unknown; explanation: unknown; timings: unknown; flags: string[];
};

/**
 * One finished assessment in words (GET /api/assessments/{id}/narrative). The row is parsed with
 * the schema the worker wrote it with, with its headline saliency map (where the saliency
 * concentrates) but without the per-head maps, cut out in SQL; outcome labels and thresholds come
 * from the model registry. Not finished: 409 `assessment_not_done`; unreadable: 409 `assessment_unreadable`.
 */
export async function getAssessmentNarrative(db: Db, id: string, lang: NarrativeLang = "en"): Promise<AssessmentNarrative & { patientId: string }> {
  const [row] = await db.$queryRaw<Row[]>`
    SELECT "id", "patientId", "modelName", "modelVersion", "strategy"::text AS "strategy", "status"::text AS "status",
           "scores", "timings", "flags", ("explanation" - 'saliencyByHead') AS "explanation"
      FROM "Assessment" WHERE "id" = ${id}::uuid`;
  if (!row) throw new NotFoundError("Assessment", id);
  if (row.status !== "done") throw new AppError(409, "assessment_not_done", `The assessment is ${row.status}; its words are written when it is done.`);
  const p = StoredAssessmentDetail.safeParse({ modelName: row.modelName, modelVersion: row.modelVersion, strategy: row.strategy, scores: row.scores, explanation: row.explanation, timings: row.timings, flags: row.flags });
  if (!p.success) throw new AppError(409, "assessment_unreadable", `The stored result of this assessment cannot be read: ${describeIssues(p.error)}`);
  const outcomes = (await modelOutcomes(db, [row])).get(modelKey(row.modelName, row.modelVersion));
  return { assessmentId: row.id, patientId: row.patientId, ...buildNarrative({ assessment: p.data, outcomes, lang }) };
}
