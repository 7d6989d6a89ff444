import { getDb } from "@/lib/db/client";
import { exportSource } from "@/lib/export/source";
import { exportRoute, parseExportQuery } from "@/lib/export/http";
import { cohortShape } from "@/lib/export/sql";
import { countAnswer, isExportable, minCellSize } from "@/lib/export/small-cells";
import { audit } from "@/lib/auth/audit";
import { requestInfo } from "@/lib/auth/actor";
import type { ExportCount } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * GET /api/export/count?<filters>[&columns=…] — the cohort's size before exporting (aggregates
 * only). Counts below FUSION_MIN_CELL_SIZE are "<11"; a cohort under it reveals nothing else.
 */
export const GET = exportRoute("count", async ({ req, actor }) => {
  const q = parseExportQuery(req.url);
  const min = minCellSize();
  const db = await getDb();
  const shape = await cohortShape(exportSource(db), q.filters);
  // counts over arbitrary filters can single out a patient (a cohort of one): audited like exports,
  // with the exact figures (the audit trail is for administrators; the answer is not)
  await audit(db.prisma, {
    actor,
    action: "export.count",
    entityType: "Cohort",
    outcome: "success",
    request: requestInfo(req),
    details: { filters: q.filters as unknown as Record<string, unknown>, assessments: shape.rows, patients: shape.patients, exportable: isExportable(shape, min), minCellSize: min },
  });
  return countAnswer(shape, q.columns, min) satisfies ExportCount;
});
