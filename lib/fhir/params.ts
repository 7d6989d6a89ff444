import { z } from "zod";
import { FhirError } from "./outcome";

const id = z.uuid();

/** Path ids are this server's UUIDs; anything else is a 404 not-found (as FHIR servers answer unknown ids). */
export function fhirIdParams(p: unknown): { id: string } {
  const v = (p as { id?: unknown })?.id;
  if (!id.safeParse(v).success) throw new FhirError(404, [{ severity: "error", code: "not-found", diagnostics: `Patient ${String(v)} was not found`, expression: ["Patient.id"] }]);
  return { id: v as string };
}

export function fhirOperationParams(p: unknown, known: string[]): { id: string; operation: string } {
  const { id: pid } = fhirIdParams(p);
  const op = decodeURIComponent(String((p as { operation?: unknown })?.operation ?? ""));
  if (!known.includes(op)) throw new FhirError(404, [{ severity: "error", code: "not-supported", diagnostics: `Operation ${op} is not supported on Patient (supported: ${known.join(", ")})` }]);
  return { id: pid, operation: op };
}
