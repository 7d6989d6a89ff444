import { createHash } from "node:crypto";
import { buildOpenApiDocument } from "./document";

export const OPENAPI_CACHE_CONTROL = "public, max-age=300";

let served: { body: string; etag: string } | null = null;

/** The document as served: built once per process (it changes only with a new build), with a strong ETag. */
export function servedOpenApi(): { body: string; etag: string } {
  if (!served) {
    const body = JSON.stringify(buildOpenApiDocument());
    served = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"` };
  }
  return served;
}

/** 200 with the document, or 304 when the client already holds this version (If-None-Match). */
export function openApiResponse(req: Request): Response {
  const { body, etag } = servedOpenApi();
  const headers = { etag, "cache-control": OPENAPI_CACHE_CONTROL, vary: "Accept-Encoding" };
  const match = req.headers.get("if-none-match");
  if (match && match.split(",").some((t) => t.trim().replace(/^W\//, "") === etag || t.trim() === "*")) return new Response(null, { status: 304, headers });
  return new Response(body, { headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
}
