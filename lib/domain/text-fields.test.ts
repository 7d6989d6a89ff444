import { describe, expect, it } from "vitest";
import type { z } from "zod";
import * as domain from "./index";
import * as responses from "./responses";
import { NUL_MESSAGE } from "./common";

// Every API input schema of lib/domain, walked: each string field must refuse a NUL character with
// an issue on that field (issue 10, Low 14); free-text fields say it is the NUL. A new free-text
// field built with z.string() instead of text() fails here.
type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType };
const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const d = def(s);
    if (["optional", "nullable", "default", "prefault", "catch", "readonly"].includes(d.type) && d.innerType) s = d.innerType;
    else if (d.type === "pipe" && d.in) s = d.in;
    else return s;
  }
}

function fieldNames(s: z.ZodType): string[] {
  const d = def(unwrap(s));
  return d.type === "object" && d.shape ? Object.keys(d.shape) : [];
}

function stringFields(s: z.ZodType): string[] {
  const d = def(unwrap(s));
  if (d.type !== "object" || !d.shape) return [];
  return Object.entries(d.shape)
    .filter(([, f]) => def(unwrap(f)).type === "string")
    .map(([k]) => k);
}

// what the server answers is not input: responses.ts, and entities as stored (they carry their own
// `id`; an input never does)
const outputs = new Set(Object.keys(responses));
const inputs = Object.entries(domain).filter(
  ([name, v]) => !outputs.has(name) && v && typeof v === "object" && "_zod" in v && !fieldNames(v as z.ZodType).includes("id") && stringFields(v as z.ZodType).length > 0,
) as [string, z.ZodType][];

describe("text fields refuse NUL characters", () => {
  it("finds the input schemas", () => {
    expect(inputs.map(([n]) => n)).toEqual(expect.arrayContaining(["PatientCreate", "PatientSearch", "ConditionCreate", "DietRecordCreate", "FamilyHistoryCreate", "ScanUploadFields", "LoginCredentials", "UserCreate", "UserUpdate", "PasswordChange"]));
  });
  for (const [name, schema] of inputs)
    for (const field of stringFields(schema))
      it(`${name}.${field}`, () => {
        const onField = (v: string) => (schema.safeParse({ [field]: v }).error?.issues ?? []).filter((i) => i.path.join(".") === field);
        const issues = onField("ab\u0000c");
        expect(issues.length).toBeGreaterThan(0); // always a 400 naming the field
        // free text (a plain value passes): refused for the NUL itself, saying so
        if (onField("abc").length === 0) expect(issues.map((i) => i.message)).toContain(NUL_MESSAGE);
      });
});
