/** HTTP glue shared by the export routes (thin handlers: parse, call lib/export, map to a Response). */
import { parseOrThrow } from "@/lib/domain/validate";
import { queryObject } from "@/lib/http/body";
import { ExportQuery } from "./query";
import type { OpenExport } from "./stream";

export function parseExportQuery(url: string | URL, drop: string[] = []): ExportQuery {
  const q = queryObject(url);
  for (const k of drop) delete q[k];
  return parseOrThrow(ExportQuery, q, "export request");
}

/** The streamed download: no Content-Length (unknown until the end); row counts in headers for progress. */
export function exportResponse(x: OpenExport): Response {
  const h = new Headers({
    "content-type": x.contentType,
    "content-disposition": `attachment; filename="${x.filename}"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-export-cohort-rows": String(x.shape.rows),
    "x-export-cohort-patients": String(x.shape.patients),
    "x-export-columns": String(x.columns.length),
  });
  if (x.expectedRows !== null) h.set("x-export-rows", String(x.expectedRows));
  return new Response(x.stream, { status: 200, headers: h });
}
