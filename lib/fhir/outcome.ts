/**
 * FHIR errors: every failure of the FHIR API answers an OperationOutcome (application/fhir+json)
 * whose issues name what is wrong and, where known, the element (FHIRPath in `expression`, e.g.
 * `Bundle.entry[3].resource.birthDate`).
 */
import { AppError, ValidationError } from "@/lib/domain/errors";

export const FHIR_JSON = "application/fhir+json; charset=utf-8";

/** IssueType codes used here (http://hl7.org/fhir/issue-type). */
export type IssueCode =
  | "invalid" | "structure" | "required" | "value" | "code-invalid" | "duplicate" | "not-found" | "not-supported"
  | "too-costly" | "business-rule" | "login" | "forbidden" | "security" | "exception" | "processing" | "informational" | "conflict";

export type OutcomeIssue = {
  severity: "fatal" | "error" | "warning" | "information";
  code: IssueCode;
  diagnostics: string;
  expression?: string[];
  /** the app's own error code (the `error.code` of the JSON API), e.g. `mfa_enrolment_required` */
  details?: { coding: { system: string; code: string }[] };
};

/** The code system of the app's error codes in `OperationOutcome.issue.details`. */
export const ERROR_CODE_SYSTEM = "urn:fusion-cds:error-code";

export type OperationOutcome = { resourceType: "OperationOutcome"; issue: OutcomeIssue[] };

export const outcome = (issue: OutcomeIssue[]): OperationOutcome => ({ resourceType: "OperationOutcome", issue });

/** An error with its status and the issues of its OperationOutcome. */
export class FhirError extends AppError {
  constructor(
    status: number,
    readonly issues: OutcomeIssue[],
    code = statusCode(status),
  ) {
    super(status, code, issues.map((i) => (i.expression?.length ? `${i.expression[0]}: ${i.diagnostics}` : i.diagnostics)).join("; "), { issues: issues.map((i) => ({ path: i.expression?.[0] ?? "(body)", message: i.diagnostics })) });
    this.name = "FhirError";
  }
  static invalid(diagnostics: string, expression?: string, code: IssueCode = "invalid", status = 400): FhirError {
    return new FhirError(status, [{ severity: "error", code, diagnostics, ...(expression ? { expression: [expression] } : {}) }]);
  }
}

function statusCode(status: number): string {
  return ({ 400: "validation_failed", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "unprocessable" } as Record<number, string>)[status] ?? "error";
}

const ISSUE_FOR_STATUS: Record<number, IssueCode> = {
  400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported", 409: "conflict", 412: "business-rule",
  413: "too-costly", 415: "not-supported", 422: "processing", 429: "too-costly", 503: "exception",
};

/** Any thrown value → the OperationOutcome and status it answers (500 without internals). */
export function toOperationOutcome(e: unknown): { status: number; body: OperationOutcome } {
  if (e instanceof FhirError) return { status: e.status, body: outcome(e.issues) };
  if (e instanceof ValidationError) {
    const issues = ((e.details as { issues?: { path: string; message: string }[] })?.issues ?? []).map(
      (i): OutcomeIssue => ({ severity: "error", code: "invalid", diagnostics: i.message, ...(i.path && i.path !== "(body)" ? { expression: [i.path] } : {}) }),
    );
    return { status: e.status, body: outcome(issues.length ? issues : [{ severity: "error", code: "invalid", diagnostics: e.message }]) };
  }
  if (e instanceof AppError)
    return {
      status: e.status,
      body: outcome([{ severity: "error", code: ISSUE_FOR_STATUS[e.status] ?? "processing", diagnostics: e.message, details: { coding: [{ system: ERROR_CODE_SYSTEM, code: e.code }] } }]),
    };
  const pcode = (e as { code?: unknown })?.code;
  if (pcode === "P2025") return { status: 404, body: outcome([{ severity: "error", code: "not-found", diagnostics: "The record was not found." }]) };
  if (pcode === "P2002")
    return { status: 409, body: outcome([{ severity: "error", code: "conflict", diagnostics: "Another change wrote the same record at the same moment (e.g. two imports of one new patient); nothing was written — send it again." }]) };
  console.error("[fhir] unexpected error:", e);
  return { status: 500, body: outcome([{ severity: "fatal", code: "exception", diagnostics: "Something went wrong on the server; the request was not completed." }]) };
}

export function fhirResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": FHIR_JSON, ...headers } });
}

export function outcomeResponse(e: unknown): Response {
  const { status, body } = toOperationOutcome(e);
  return fhirResponse(body, status);
}
