import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { JsonSchema } from "@/lib/openapi/json-schema";

/**
 * Test support: a JSON Schema 2020-12 validator (ajv) over the OpenAPI document's component schemas,
 * to check bodies against the document the way a client's validator would.
 */
export function componentValidator(schemas: Record<string, JsonSchema>) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // zod inlines nested schemas, so each component stands alone
  for (const [name, schema] of Object.entries(schemas)) ajv.addSchema(schema, name);
  return (name: string) => {
    const v = ajv.getSchema(name);
    if (!v) throw new Error(`no component schema ${name}`);
    return v;
  };
}
