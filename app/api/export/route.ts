import { getDb } from "@/lib/db/client";
import { exportSource } from "@/lib/export/source";
import { requestInfo } from "@/lib/auth/actor";
import { exportResponse, exportRoute, parseExportQuery } from "@/lib/export/http";
import { openExport } from "@/lib/export/stream";

export const dynamic = "force-dynamic";

/**
 * GET /api/export?format=csv|parquet|ndjson&columns=…&<filters>[&after=<row_key>][&limit=n][&header=0]
 * Streams the de-identified cohort (researchers). Audited at the start and at the end (rows, bytes,
 * SHA-256 of the bytes sent); a refused attempt is audited as export.refused.
 */
export const GET = exportRoute("export", async ({ req, actor }) => {
  const q = parseExportQuery(req.url);
  const h = await getDb();
  const x = await openExport(q, { db: h.prisma, sql: exportSource(h), actor, request: requestInfo(req) });
  return exportResponse(x);
});
