import { z } from "zod";

/** A JSON Schema (2020-12) object, as OpenAPI 3.1 Schema Objects are. */
export type JsonSchema = { [key: string]: unknown };

/**
 * A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), by zod's own generator.
 * `input` describes what a client sends (defaults make a field optional, transforms show their
 * input side); `output` what the server returns. Refinements (a real calendar date, not in the
 * future, an ICD-10 code shape that depends on the code system…) have no JSON Schema form: the
 * server checks them and answers 400 validation_failed.
 */
export function jsonSchema(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

export type QueryParameter = {
  name: string;
  in: "query";
  required: boolean;
  description?: string;
  schema: JsonSchema;
  style?: "form";
  explode?: boolean;
};

/**
 * One OpenAPI query parameter per property of a zod object schema. Array properties are sent as
 * repeated keys (`?sex=male&sex=female`, style form, explode); the export filters also take
 * comma-separated values, which their descriptions say.
 */
export function queryParameters(schema: z.ZodType, descriptions: Record<string, string> = {}, overrides: Record<string, JsonSchema> = {}): QueryParameter[] {
  const s = jsonSchema(schema, "input");
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  const unknown = Object.keys(descriptions).concat(Object.keys(overrides)).filter((k) => !(k in props));
  if (unknown.length) throw new Error(`queryParameters: no such parameter(s): ${unknown.join(", ")}`);
  return Object.entries(props).map(([name, prop]) => {
    const schemaOut = overrides[name] ?? prop;
    return {
      name,
      in: "query" as const,
      required: required.has(name),
      ...(descriptions[name] ? { description: descriptions[name] } : {}),
      schema: schemaOut,
      ...(schemaOut.type === "array" ? { style: "form" as const, explode: true } : {}),
    };
  });
}
