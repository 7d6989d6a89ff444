import { AppError } from "@/lib/domain/errors";

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function errorResponse(status: number, code: string, message: string, details?: unknown): Response {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  return Response.json(body, { status });
}

/** Maps any thrown value to a JSON error. Unknown errors become a 500 without internals. */
export function toErrorResponse(e: unknown): Response {
  if (e instanceof AppError) {
    const res = errorResponse(e.status, e.code, e.message, e.details);
    // a refusal that says when to come back (429 rate_limited)
    const after = (e as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (typeof after === "number" && after > 0) res.headers.set("retry-after", String(Math.ceil(after)));
    return res;
  }
  const pe = prismaKnown(e);
  if (pe) return pe;
  console.error("[api] unexpected error:", e);
  return errorResponse(500, "internal_error", "Something went wrong on the server; the request was not completed.");
}

function prismaKnown(e: unknown): Response | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== "string" || !/^P\d{4}$/.test(code)) return null;
  if (code === "P2002") return errorResponse(409, "conflict", "A record with the same unique value already exists.");
  if (code === "P2025") return errorResponse(404, "not_found", "The record was not found.");
  if (code === "P2003") return errorResponse(409, "conflict", "The record refers to something that does not exist.");
  return null;
}
