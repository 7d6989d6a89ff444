import { getDb } from "@/lib/db/client";
import { exportSource } from "@/lib/export/source";
import { parseOrThrow } from "@/lib/domain/validate";
import { buildColumns } from "@/lib/export/columns";
import { buildDictionary, dictionaryMarkdown } from "@/lib/export/dictionary";
import { exportRoute, parseExportQuery } from "@/lib/export/http";
import { DictionaryAs } from "@/lib/export/query";
import { cohortShape } from "@/lib/export/sql";
import type { ExportDictionary } from "@/lib/domain/responses";
import { minCellSize, revealableShape } from "@/lib/export/small-cells";

export const dynamic = "force-dynamic";

/**
 * GET /api/export/dictionary?as=json|md&format=…&columns=…&<filters> — the data dictionary of the
 * export with the same parameters (columns, types, units, sources, de-identification). For a
 * cohort under FUSION_MIN_CELL_SIZE it describes the fixed columns only and shows its size as "<11".
 */
export const GET = exportRoute("dictionary", async ({ req }) => {
  const as = parseOrThrow(DictionaryAs, new URL(req.url).searchParams.get("as") ?? undefined, "as");
  const q = parseExportQuery(req.url, ["as"]);
  const min = minCellSize();
  const shape = await cohortShape(exportSource(await getDb()), q.filters);
  const d = buildDictionary({ shape, columns: buildColumns(revealableShape(shape, min), q.columns), filters: q.filters, format: q.format, minCellSize: min });
  const name = `fusion-cds-export-dictionary.${as}`;
  const headers = { "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" };
  if (as === "md") return new Response(dictionaryMarkdown(d), { headers: { ...headers, "content-type": "text/markdown; charset=utf-8" } });
  return new Response(JSON.stringify(d satisfies ExportDictionary, null, 2), { headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
});
