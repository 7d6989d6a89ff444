import type { Permission } from "./permissions";

/**
 * Deny-by-default table of EVERY API route × method, and of every page. The authorization matrix
 * test (test/security/authz-matrix.int.test.ts) walks app/**\/route.ts and app/**\/page.tsx and
 * fails when a file or an exported method has no entry here, when an entry has no file, or when a
 * handler's real behaviour (anonymous → 401, wrong role → 403, allowed role → neither) differs
 * from the rule.
 *
 * Adding a route: add its path (folder names as on disk, e.g. "/api/scans/[id]/file") and each
 * exported method with the permission its `route(permission, …)` wrapper uses — or "public" for a
 * `publicRoute` (keep those rare: health, login, the OpenAPI document). Adding a page: the permission its server
 * component passes to `requirePageActor(…)`, or "public".
 */
/**
 * "ehr-jwt": called by an EHR, not by a signed-in user — authenticated by the EHR's signed JWT
 * (CDS Hooks, lib/fhir/cds/jwt.ts); without a valid token 401 for everyone, sessions included.
 */
export type Rule = Permission | "public" | "ehr-jwt";
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const routeTable: Record<string, Partial<Record<HttpMethod, Rule>>> = {
  "/api/health": { GET: "public" },
  "/api/openapi.json": { GET: "public" }, // the API description (lib/openapi); no patient data

  // sign-in and sessions
  "/api/auth/login": { POST: "public" },
  "/api/auth/login/mfa": { POST: "public" }, // the code step of a sign-in (needs the password step's challenge)
  "/api/auth/logout": { POST: "session:self" },
  "/api/auth/logout-everywhere": { POST: "session:self" },
  "/api/auth/session": { GET: "session:self" },
  "/api/auth/password": { POST: "session:self" },
  "/api/auth/preferences": { PATCH: "session:self" }, // one's own interface language
  // one's own second factor (TOTP); the first three also answer while an admin still has to enrol
  "/api/auth/mfa": { GET: "session:self" },
  "/api/auth/mfa/enrol": { POST: "session:self" },
  "/api/auth/mfa/confirm": { POST: "session:self" },
  "/api/auth/mfa/recovery-codes": { POST: "session:self" },
  "/api/auth/mfa/disable": { POST: "session:self" },

  // identified patient records: clinicians only
  "/api/patients": { GET: "patient:read", POST: "patient:write" },
  "/api/patients/[id]": { GET: "patient:read", PATCH: "patient:write" },
  "/api/patients/[id]/conditions": { POST: "patient:write" },
  "/api/patients/[id]/outcomes": { GET: "outcome:read", POST: "outcome:write" },
  "/api/patients/[id]/outcomes/[entryId]/entered-in-error": { POST: "outcome:write" },
  "/api/patients/[id]/follow-up": { PUT: "outcome:write" },
  "/api/patients/[id]/conditions/[entryId]": { PATCH: "patient:write", DELETE: "patient:write" },
  "/api/patients/[id]/family-history": { POST: "patient:write" },
  "/api/patients/[id]/family-history/[entryId]": { PATCH: "patient:write", DELETE: "patient:write" },
  "/api/patients/[id]/diet": { POST: "patient:write" },
  "/api/patients/[id]/diet/[entryId]": { PATCH: "patient:write", DELETE: "patient:write" },
  "/api/patients/[id]/scans": { POST: "scan:upload" },
  "/api/patients/[id]/assessments": { POST: "assessment:run" },
  "/api/patients/[id]/events": { GET: "patient:read" },
  "/api/scans/[id]/file": { GET: "patient:read" },
  "/api/scans/[id]/tags": { GET: "patient:read" },
  "/api/scans/[id]/preview": { GET: "patient:read" },
  // saved measurements of the viewer's reading tools (issue 16, lib/measurements): only the author deletes
  "/api/scans/[id]/measurements": { GET: "patient:read", POST: "patient:write" },
  "/api/scans/[id]/measurements/[mid]": { DELETE: "patient:write" },
  "/api/assessments/[id]": { GET: "patient:read" },
  // entered in error (issue 12): kept, out of the working views, audited
  "/api/scans/[id]/entered-in-error": { POST: "patient:write" },
  "/api/assessments/[id]/entered-in-error": { POST: "patient:write" },
  "/api/assessments/[id]/narrative": { GET: "patient:read" }, // the assessment in words (lib/narrative)
  "/api/assessments/[id]/report": { GET: "patient:read", POST: "patient:write" }, // DICOM SR: download / send to a PACS
  // a PACS from the record: query by MRN, import series (lib/dicomweb/pacs.ts)
  "/api/patients/[id]/pacs/studies": { GET: "patient:read" },
  "/api/patients/[id]/pacs/imports": { POST: "scan:upload" },

  // DICOMweb (PS3.18, lib/dicomweb): QIDO-RS and WADO-RS read patient data, STOW-RS stores scans.
  // STOW-RS also accepts a DICOMweb source's push token (route(…, { pushToken: true })).
  "/dicomweb/studies": { GET: "patient:read", POST: "scan:upload" },
  "/dicomweb/studies/[study]": { GET: "patient:read", POST: "scan:upload" },
  "/dicomweb/studies/[study]/metadata": { GET: "patient:read" },
  "/dicomweb/studies/[study]/series": { GET: "patient:read" },
  "/dicomweb/studies/[study]/series/[series]": { GET: "patient:read" },
  "/dicomweb/studies/[study]/series/[series]/metadata": { GET: "patient:read" },
  "/dicomweb/studies/[study]/series/[series]/instances": { GET: "patient:read" },
  "/dicomweb/studies/[study]/series/[series]/instances/[instance]": { GET: "patient:read" },
  "/dicomweb/studies/[study]/series/[series]/instances/[instance]/metadata": { GET: "patient:read" },
  "/dicomweb/studies/[study]/series/[series]/instances/[instance]/frames/[frames]": { GET: "patient:read" },

  // model cards: every role (no patient data)
  "/api/models": { GET: "model:read" },
  "/api/models/[name]/[version]": { GET: "model:read" },
  "/api/models/[name]/[version]/status": { POST: "model:admin" },
  "/api/training/snapshots": { GET: "model:train", POST: "model:train" },
  "/api/training/jobs": { GET: "model:train", POST: "model:train" },
  "/api/training/jobs/[id]": { GET: "model:train" },
  "/api/training/jobs/[id]/cancel": { POST: "model:train" },
  "/api/models/[name]/[version]/plots/[file]": { GET: "model:read" },

  // de-identified research export: researchers only
  "/api/export": { GET: "export:deidentified" },
  "/api/export/count": { GET: "export:deidentified" },
  "/api/export/dictionary": { GET: "export:deidentified" },

  // administration
  "/api/admin/audit": { GET: "audit:read" },
  "/api/admin/audit/fhir": { GET: "audit:read" },
  "/api/admin/users": { GET: "user:admin", POST: "user:admin" },
  "/api/admin/users/[id]": { PATCH: "user:admin" },
  "/api/admin/ehrs": { GET: "user:admin", POST: "user:admin" },
  "/api/admin/ehrs/[id]": { PATCH: "user:admin", DELETE: "user:admin" },

  // FHIR R4 (lib/fhir): the same roles as the dashboard; errors as OperationOutcome
  "/fhir/R4": { POST: "patient:write" },
  "/fhir/R4/metadata": { GET: "public" }, // the CapabilityStatement; no patient data
  "/fhir/R4/Patient": { GET: "patient:read" },
  "/fhir/R4/Patient/[id]": { GET: "patient:read" },
  "/fhir/R4/Patient/[id]/[operation]": { GET: "patient:read" },
  "/fhir/R4/Condition": { GET: "patient:read" },
  "/fhir/R4/FamilyMemberHistory": { GET: "patient:read" },
  "/fhir/R4/Observation": { GET: "patient:read" },
  "/fhir/R4/ImagingStudy": { GET: "patient:read" },
  "/fhir/R4/RiskAssessment": { GET: "patient:read" },

  // CDS Hooks 2.0 (lib/fhir/cds): discovery is public (the spec's), calls carry an EHR's signed JWT
  "/cds-services": { GET: "public" },
  "/cds-services/[id]": { POST: "ehr-jwt" },
  "/api/admin/dicomweb-sources": { GET: "dicomweb:admin", POST: "dicomweb:admin" },
  "/api/admin/dicomweb-sources/[id]": { PATCH: "dicomweb:admin", DELETE: "dicomweb:admin" },
};

/**
 * What an admin who still has to enrol MFA may call (each such handler passes
 * `{ duringMfaEnrolment: true }` to route()); every other route answers 403 mfa_enrolment_required.
 * The authorization matrix checks both directions.
 */
export const mfaEnrolmentAllowed: ReadonlySet<string> = new Set([
  "GET /api/auth/session",
  "POST /api/auth/logout",
  "POST /api/auth/logout-everywhere",
  "GET /api/auth/mfa",
  "POST /api/auth/mfa/enrol",
  "POST /api/auth/mfa/confirm",
]);

/**
 * The matrix requires every successful call under a patient-data permission (patient:*, scan:*,
 * assessment:*, export:*) to write an AuditEvent. Routes that answer without any patient data are
 * listed here, each with the reason — a reviewed exception, not a default.
 */
export const auditExempt: Record<string, string> = {
  "GET /api/export/dictionary": "the data dictionary: column names, types and definitions; no patient data",
};

/** Pages: path → the permission passed to requirePageActor, or "public". */
export const pageTable: Record<string, Rule> = {
  "/": "public", // redirects to /patients, shows nothing itself
  "/patients": "patient:read",
  "/patients/[id]": "patient:read",
  "/models": "model:read",
  "/models/training": "model:train",
  "/models/[name]/[version]": "model:read",
  "/login": "public",
  "/access-denied": "public",
  "/account": "session:self",
  "/account/mfa": "session:self", // also while an admin still has to enrol MFA
  "/admin": "audit:read",
  "/admin/audit": "audit:read",
  "/admin/entered-in-error": "audit:read",
  "/admin/users": "user:admin",
  "/admin/ehrs": "user:admin",
  "/admin/dicomweb": "dicomweb:admin",
  "/research/export": "export:deidentified",
};

/** "app/api/patients/[id]/route.ts" → "/api/patients/[id]"; route groups "(x)" drop out. */
export function appFileToPath(relFile: string, fileName: "route" | "page"): string {
  const parts = relFile.replace(/\\/g, "/").split("/");
  if (parts[0] === "app") parts.shift();
  const last = parts.pop()!;
  if (!new RegExp(`^${fileName}\\.(ts|tsx|js|jsx|mjs)$`).test(last)) throw new Error(`not a ${fileName} file: ${relFile}`);
  const segs = parts.filter((p) => !/^\(.*\)$/.test(p) && !p.startsWith("@"));
  return "/" + segs.join("/");
}

export function ruleFor(path: string, method: string): Rule | undefined {
  return routeTable[path]?.[method.toUpperCase() as HttpMethod];
}
