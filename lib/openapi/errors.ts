import type { ErrorBody as ErrorBodySchema } from "@/lib/domain/responses";
import type { ErrorBody as ErrorBodySent } from "@/lib/http/errors";

// the envelope lib/domain describes must stay assignable to what lib/http/errors.ts sends
true satisfies ErrorBodySchema extends ErrorBodySent ? true : false;

export type ResponseObject = { description: string; headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }>; [ext: `x-${string}`]: unknown };

const reason: Record<number, string> = {
  400: "Bad request",
  401: "Not signed in",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Too large",
  415: "Unsupported media type",
  422: "Unprocessable",
  406: "Not acceptable",
  429: "Too many requests",
  500: "Server error",
  502: "Bad gateway",
  503: "Unavailable",
  504: "Gateway timeout",
};

/** An error response: the envelope, with the `error.code` values this status can carry here. */
export function errorResponse(status: number, codes: string[], note?: string): ResponseObject {
  const list = [...new Set(codes)];
  return {
    description: `${reason[status] ?? "Error"}: error.code ${list.map((c) => `\`${c}\``).join(", ")}${note ? `. ${note}` : ""}`,
    content: { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } },
    "x-error-codes": list,
  };
}

/** Error responses keyed by status, each with its codes; merged by status when several sources add one. */
export type ErrorSpec = Record<number, string[] | { codes: string[]; note: string }>;

export function mergeErrors(...specs: ErrorSpec[]): Record<string, ResponseObject> {
  const byStatus = new Map<number, { codes: string[]; notes: string[] }>();
  for (const spec of specs)
    for (const [k, v] of Object.entries(spec)) {
      const s = Number(k);
      const e = byStatus.get(s) ?? { codes: [], notes: [] };
      if (Array.isArray(v)) e.codes.push(...v);
      else {
        e.codes.push(...v.codes);
        e.notes.push(v.note);
      }
      byStatus.set(s, e);
    }
  return Object.fromEntries(
    [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, e]) => [String(s), errorResponse(s, e.codes, e.notes.join(" ") || undefined)]),
  );
}

/** Every JSON body goes through lib/http/body.ts readJson. */
export const jsonBodyErrors: ErrorSpec = {
  400: { codes: ["validation_failed"], note: "An empty body or invalid JSON is validation_failed too; `details.issues` names each field." },
  413: ["payload_too_large"],
  415: ["unsupported_media_type"],
};

/** Path ids checked by lib/http/params.ts (UUIDs). */
export const uuidPathErrors: ErrorSpec = { 400: { codes: ["validation_failed"], note: "A path id that is not a UUID." } };
