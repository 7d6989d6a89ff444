import type { ErrorSpec, ResponseObject } from "./errors";
import type { JsonSchema, QueryParameter } from "./json-schema";
import { ref, type SchemaName } from "./components";

export type PathParameter = { name: string; in: "path"; required: true; description: string; schema: JsonSchema };
export type Parameter = PathParameter | QueryParameter;
export type RequestBody = { required: boolean; description?: string; content: Record<string, { schema: unknown; encoding?: Record<string, unknown> }> };

/** One operation as the route's handler really behaves; the builder adds security and the auth errors. */
export type OperationSpec = {
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: RequestBody;
  /** the answers that are not errors (2xx, 3xx) */
  responses: Record<string, ResponseObject>;
  /** the errors this handler raises itself (401/403/500 from the route wrapper are added) */
  errors?: ErrorSpec[];
  /** "fhir": errors are OperationOutcome (application/fhir+json), as on the FHIR API */
  errorFormat?: "fhir";
};

/** Operations keyed "METHOD /api/path/[param]" exactly as in lib/auth/route-table.ts. */
export type Operations = Record<string, OperationSpec>;

const UUID = { type: "string", format: "uuid" };

export const uuidPath = (name: string, what: string): PathParameter => ({ name, in: "path", required: true, description: `The ${what}'s id (a UUID).`, schema: UUID });
export const stringPath = (name: string, description: string, schema: JsonSchema = { type: "string" }): PathParameter => ({ name, in: "path", required: true, description, schema });

export const jsonBody = (name: SchemaName, description?: string): RequestBody => ({
  required: true,
  ...(description ? { description } : {}),
  content: { "application/json": { schema: ref(name) } },
});

export const jsonResponse = (description: string, name: SchemaName, headers?: Record<string, unknown>): ResponseObject => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: ref(name) } },
});

export const header = (description: string, schema: JsonSchema = { type: "string" }) => ({ description, schema });

export const fhirResponse = (description: string, name: SchemaName): ResponseObject => ({
  description,
  content: { "application/fhir+json": { schema: ref(name) } },
});
