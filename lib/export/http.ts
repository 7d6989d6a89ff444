/** HTTP glue shared by the export routes (thin handlers: parse, call lib/export, map to a Response). */
import { parseOrThrow } from "@/lib/domain/validate";
import { AppError } from "@/lib/domain/errors";
import { queryObject } from "@/lib/http/body";
import { route, type RouteContext } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { getDb } from "@/lib/db/client";
import { ExportQuery } from "./query";
import { auditRefusal } from "./refusal";
import type { OpenExport } from "./stream";

export function parseExportQuery(url: string | URL, drop: string[] = []): ExportQuery {
  const q = queryObject(url);
  for (const k of drop) delete q[k];
  return parseOrThrow(ExportQuery, q, "export request");
}

/**
 * `route("export:deidentified", …)` for the export endpoints, with every failed attempt audited as
 * export.refused (refusal.ts): errors the handler throws (bad parameters, small cells, missing
 * configuration), and the 401 / 403 the route wrapper answers before the handler runs (a 403 is
 * also in the trail as access.denied, with the user).
 */
export function exportRoute(endpoint: "export" | "count" | "dictionary", fn: (ctx: RouteContext<Record<string, never>>) => Promise<Response | unknown>) {
  const inner = route<Record<string, never>>("export:deidentified", async (ctx) => {
    try {
      return await fn(ctx);
    } catch (e) {
      await auditRefusal((await getDb()).prisma, { actor: ctx.actor, request: requestInfo(ctx.req) }, e, { endpoint, path: new URL(ctx.req.url).pathname });
      throw e;
    }
  });
  return async (req: Request, ctx: { params: Promise<Record<string, never>> }): Promise<Response> => {
    const res = await inner(req, ctx);
    if (res.status === 401 || res.status === 403) {
      const code = ((await res.clone().json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code ?? (res.status === 401 ? "unauthenticated" : "forbidden");
      await auditRefusal((await getDb()).prisma, { actor: null, request: requestInfo(req) }, new AppError(res.status, code, res.status === 401 ? "not signed in" : "not allowed to export"), { endpoint, path: new URL(req.url).pathname });
    }
    return res;
  };
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
