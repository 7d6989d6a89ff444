import "server-only";
import type { Permission } from "@/lib/auth/permissions";
import { publicRoute, route, type RouteContext } from "@/lib/http/route";
import { queryObject, readBodyBytes } from "@/lib/http/body";
import { AppError } from "@/lib/domain/errors";
import { parseOrThrow } from "@/lib/domain/validate";
import type { z } from "zod";
import { FhirError, fhirResponse, outcomeResponse } from "./outcome";
import { fhirImportConfig } from "./config";

/** A FHIR route: the same authentication, roles, CSRF and audit as every API route, errors as OperationOutcome. */
export function fhirRoute<P = Record<string, never>>(permission: Permission, fn: (ctx: RouteContext<P>) => Promise<Response | unknown>) {
  return route<P>(permission, async (ctx) => {
    const out = await fn(ctx);
    return out instanceof Response ? out : fhirResponse(out);
  }, { renderError: outcomeResponse });
}

export function fhirPublicRoute<P = Record<string, never>>(fn: (ctx: { req: Request; params: P }) => Promise<Response | unknown>) {
  return publicRoute<P>(async (ctx) => {
    const out = await fn(ctx);
    return out instanceof Response ? out : fhirResponse(out);
  }, { renderError: outcomeResponse });
}

/** Search parameters through their lib/domain schema; `_format=json` is allowed and ignored. */
export function fhirQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  const q = queryObject(req.url);
  if (q._format !== undefined && ["json", "application/json", "application/fhir+json"].includes(String(q._format))) delete q._format;
  return parseOrThrow(schema, q, "search");
}

/**
 * The import body as text, within the bundle size limit: read through lib/http/body.ts (counted
 * while it streams, a declared Content-Length over the limit refused before any byte is read),
 * 413 too-costly OperationOutcome past it.
 */
export async function readFhirBody(req: Request): Promise<string> {
  const limit = fhirImportConfig().maxBytes;
  const ct = req.headers.get("content-type") ?? "";
  if (!/^application\/(fhir\+)?json\b/i.test(ct) && !/^application\/x-ndjson\b/i.test(ct))
    throw new FhirError(415, [{ severity: "error", code: "not-supported", diagnostics: "Send the Bundle as application/fhir+json (or application/json), or NDJSON as application/x-ndjson." }]);
  try {
    return Buffer.from(await readBodyBytes(req, limit)).toString("utf8");
  } catch (e) {
    if (e instanceof AppError && e.status === 413)
      throw new FhirError(413, [{ severity: "error", code: "too-costly", diagnostics: `The bundle is larger than ${limit} bytes (FUSION_FHIR_MAX_BUNDLE_BYTES); split it.` }]);
    throw e;
  }
}
