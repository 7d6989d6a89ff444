import { route } from "@/lib/http/route";
import { getDb } from "@/lib/db/client";
import { exportSource } from "@/lib/export/source";
import { buildColumns } from "@/lib/export/columns";
import { parseExportQuery } from "@/lib/export/http";
import { cohortShape } from "@/lib/export/sql";
import { audit } from "@/lib/auth/audit";
import { requestInfo } from "@/lib/auth/actor";
import type { ExportCount } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/** GET /api/export/count?<filters>[&columns=…] — the cohort's size before exporting (aggregates only). */
export const GET = route("export:deidentified", async ({ req, actor }) => {
  const q = parseExportQuery(req.url);
  const db = await getDb();
  const shape = await cohortShape(exportSource(db), q.filters);
  // counts over arbitrary filters can single out a patient (a cohort of one): audited like exports
  await audit(db.prisma, {
    actor,
    action: "export.count",
    entityType: "Cohort",
    outcome: "success",
    request: requestInfo(req),
    details: { filters: q.filters as unknown as Record<string, unknown>, assessments: shape.rows, patients: shape.patients },
  });
  return {
    assessments: shape.rows,
    patients: shape.patients,
    models: shape.models,
    heads: shape.heads,
    dims: shape.dims,
    columns: buildColumns(shape, q.columns).length,
  } satisfies ExportCount;
});
