import pkg from "@/package.json";
import { mfaEnrolmentAllowed, routeTable, type HttpMethod, type Rule } from "@/lib/auth/route-table";
import { componentSchemas } from "./components";
import { mergeErrors, type ErrorSpec, type ResponseObject } from "./errors";
import { accessSentence, isMutatingMethod, securityFor, securitySchemes } from "./security";
import type { OperationSpec, Operations } from "./operation";
import { adminOperations } from "./operations/admin";
import { authOperations } from "./operations/auth";
import { exportOperations } from "./operations/export";
import { fhirOperations } from "./operations/fhir";
import { metaOperations } from "./operations/meta";
import { modelOperations } from "./operations/models";
import { patientOperations } from "./operations/patients";
import { scanOperations } from "./operations/scans";
import { dicomwebOperations } from "./operations/dicomweb";

/** Every operation, keyed "METHOD /api/path/[param]" as in lib/auth/route-table.ts. */
export const operations: Operations = {
  ...metaOperations,
  ...authOperations,
  ...patientOperations,
  ...scanOperations,
  ...modelOperations,
  ...exportOperations,
  ...adminOperations,
  ...dicomwebOperations,
  ...fhirOperations,
};

export const NOTICE = "Research use only — not for diagnosis.";

const description = `**${NOTICE}** The bundled model is trained on a synthetic cohort; software that analyses medical images for diagnosis is a regulated medical device function, and this is not such a device.

The API of Fusion CDS, a multimodal clinical decision-support dashboard: patient records (medical history, family history, diet), scan upload and joint-fusion risk assessments, model cards, a de-identified research export and administration.

**Sessions.** Sign in with \`POST /api/auth/login\`; the answer sets an HttpOnly session cookie and a CSRF cookie and returns \`csrfToken\`. Every mutation (POST, PUT, PATCH, DELETE) by a signed-in user sends that token in the \`X-CSRF-Token\` header; the server compares it with the CSRF cookie and the token stored with the session. Browser requests from another origin are refused (Origin / Sec-Fetch-Site), signed in or not. A user with MFA (TOTP; required for admins) signs in in two steps: the password answers \`mfaRequired\` and a challenge, and \`POST /api/auth/login/mfa\` with the code creates the session. An admin without MFA gets a session that can only enrol (\`/api/auth/mfa/…\`), read itself and sign out: anything else answers 403 \`mfa_enrolment_required\`.

**Authorisation** is deny-by-default per route and method (\`lib/auth/route-table.ts\`). Each operation names the permission it requires (\`x-required-permission\`) and the roles that hold it (in its security requirement and \`x-allowed-roles\`): clinicians work with identified records, researchers only with the de-identified export, admins with users and the audit trail. No valid session: 401; another role: 403. Every read or write of patient data is audited.

**Errors** are JSON \`{ "error": { "code", "message", "details"? } }\` with a 4xx status for bad input (\`details.issues\` names each offending field) and 500 \`internal_error\` without internals. The schemas here come from the same zod schemas the server validates with; checks JSON Schema cannot express (a real calendar date, not in the future, an ICD-10 or SNOMED CT code) are made by the server and answer 400 \`validation_failed\`.

API answers are never cached (\`Cache-Control: no-store\` unless an operation says otherwise).`;

const tags = [
  { name: "Service", description: "Health and this document (public)." },
  { name: "Sessions", description: "Sign-in, sign-out, the current session, one's own password." },
  { name: "Patients", description: "Identified patient records (clinicians)." },
  { name: "Medical history", description: "Conditions, ICD-10 or SNOMED CT coded (clinicians)." },
  { name: "Outcomes", description: "Observed outcomes (the events model labels derive from) and follow-up (clinicians, admins)." },
  { name: "Family history", description: "Relatives' conditions (clinicians)." },
  { name: "Diet", description: "Diet records with daily intakes (clinicians)." },
  { name: "Scans", description: "Upload and read scans: DICOM, PNG, JPEG (clinicians)." },
  { name: "Assessments", description: "Joint-fusion risk assessments (clinicians). Research use only — not for diagnosis." },
  { name: "Models", description: "Model versions and cards (every role; no patient data)." },
  { name: "Research export", description: "De-identified cohort export (researchers)." },
  { name: "Administration", description: "Accounts, trusted EHRs and the audit trail (admins)." },
  { name: "FHIR R4", description: "The record as FHIR R4 resources: import (transaction Bundle or NDJSON), read, search, $everything, RiskAssessment. Errors are OperationOutcome." },
  { name: "CDS Hooks", description: "CDS Hooks 2.0: discovery and the patient-view hook, called by trusted EHRs with a signed JWT. Research use only — not for diagnosis." },
  { name: "DICOMweb", description: "QIDO-RS, WADO-RS and STOW-RS under /dicomweb (PS3.18); PACS sources (admins), the PACS panel and DICOM SR reports (clinicians)." },
];

/** "/api/patients/[id]" → "/api/patients/{id}" */
export const openApiPath = (appPath: string) => appPath.replace(/\[([^\]]+)\]/g, "{$1}");

/** The errors every operation can answer besides its own: the route wrapper's (lib/http/route.ts). */
function wrapperErrors(rule: Rule, method: string, path: string): ErrorSpec {
  const csrf = isMutatingMethod(method) ? ["csrf_failed"] : [];
  const server = { 500: { codes: ["internal_error"], note: "An unexpected failure; the message carries no internals." } };
  if (rule === "public") return csrf.length ? { 403: csrf, ...server } : server;
  if (rule === "ehr-jwt") return { 401: ["unauthenticated"], 403: csrf, ...server };
  const enrolment = mfaEnrolmentAllowed.has(`${method} ${path}`) ? [] : ["mfa_enrolment_required"];
  // a mutation's CSRF token may come in a form field: that form body is capped at 64 KiB (lib/http/body.ts)
  const form: ErrorSpec = csrf.length ? { 413: { codes: ["payload_too_large"], note: "A url-encoded form body over 64 KiB (the CSRF check reads its `_csrf` field)." } } : {};
  return { 401: ["unauthenticated"], 403: ["forbidden", ...enrolment, ...csrf], ...form, ...server };
}

/** The FHIR API's errors are OperationOutcome resources, not the JSON error envelope. */
function asFhirErrors(responses: Record<string, ResponseObject>): Record<string, ResponseObject> {
  return Object.fromEntries(
    Object.entries(responses).map(([k, r]) => [k, r["x-error-codes"] ? { ...r, content: { "application/fhir+json": { schema: { $ref: "#/components/schemas/OperationOutcome" } } } } : r]),
  );
}

function operationObject(spec: OperationSpec, rule: Rule, method: string, path: string) {
  const access = accessSentence(rule, method);
  const errors = mergeErrors(...(spec.errors ?? []), wrapperErrors(rule, method, path));
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description ? `${spec.description}\n\n${access}` : access,
    ...(spec.parameters?.length ? { parameters: spec.parameters } : {}),
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses: { ...spec.responses, ...(spec.errorFormat === "fhir" ? asFhirErrors(errors) : errors) },
    security: securityFor(rule, method),
    "x-required-permission": rule,
    ...(rule === "public" || rule === "ehr-jwt" ? {} : { "x-allowed-roles": securityFor(rule, method)[0].sessionCookie }),
  };
}

/** Route-table entries without an operation, and operations without a route-table entry. */
export function coverageProblems(table = routeTable, ops = operations): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const [path, methods] of Object.entries(table))
    for (const method of Object.keys(methods)) {
      keys.add(`${method} ${path}`);
      if (!ops[`${method} ${path}`]) problems.push(`${method} ${path} has no OpenAPI operation (add it under lib/openapi/operations/)`);
    }
  for (const key of Object.keys(ops)) if (!keys.has(key)) problems.push(`${key} is described but not in lib/auth/route-table.ts`);
  return problems;
}

export type OpenApiDocument = {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  tags: typeof tags;
  paths: Record<string, Record<string, ReturnType<typeof operationObject>>>;
  components: { schemas: Record<string, unknown>; securitySchemes: typeof securitySchemes };
};

/**
 * The OpenAPI 3.1 document, walked from the route table: every route × method there, nothing
 * else. A route without a description is a programming error (the tests name it).
 */
export function buildOpenApiDocument(): OpenApiDocument {
  const problems = coverageProblems();
  if (problems.length) throw new Error(`OpenAPI document out of step with the route table:\n${problems.join("\n")}`);
  const paths: OpenApiDocument["paths"] = {};
  for (const [path, methods] of Object.entries(routeTable))
    for (const [method, rule] of Object.entries(methods) as [HttpMethod, Rule][]) {
      const p = (paths[openApiPath(path)] ??= {});
      p[method.toLowerCase()] = operationObject(operations[`${method} ${path}`], rule, method, path);
    }
  return {
    openapi: "3.1.0",
    info: {
      title: "Fusion CDS API",
      summary: `Multimodal clinical decision support. ${NOTICE}`,
      description,
      version: pkg.version,
    },
    tags,
    paths,
    components: { schemas: componentSchemas(), securitySchemes },
  };
}
