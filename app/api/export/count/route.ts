import { route } from "@/lib/http/route";
import { getDb } from "@/lib/db/client";
import { exportSource } from "@/lib/export/source";
import { buildColumns } from "@/lib/export/columns";
import { parseExportQuery } from "@/lib/export/http";
import { cohortShape } from "@/lib/export/sql";

export const dynamic = "force-dynamic";

/** GET /api/export/count?<filters>[&columns=…] — the cohort's size before exporting (aggregates only). */
export const GET = route("export:deidentified", async ({ req }) => {
  const q = parseExportQuery(req.url);
  const shape = await cohortShape(exportSource(await getDb()), q.filters);
  return {
    assessments: shape.rows,
    patients: shape.patients,
    models: shape.models,
    heads: shape.heads,
    dims: shape.dims,
    columns: buildColumns(shape, q.columns).length,
  };
});
