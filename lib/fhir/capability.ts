import pkg from "@/package.json";
import type { FhirResource } from "./mapping";

const search = (name: string, type: string, documentation: string) => ({ name, type, documentation });

/** GET /fhir/R4/metadata: what this server does (no patient data; public, as FHIR clients read it before signing in). */
export function capabilityStatement(base: string): FhirResource {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: "2026-12-02",
    publisher: "Fusion CDS",
    kind: "instance",
    software: { name: "Fusion CDS", version: pkg.version },
    implementation: { description: "Fusion CDS FHIR R4 API (research use only — not for diagnosis)", url: `${base}/fhir/R4` },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        documentation: "Signed-in sessions (the dashboard's cookie; mutations need the X-CSRF-Token header). Clinicians only. Every read and import is audited.",
        security: { cors: false, description: "Session cookie of POST /api/auth/login; roles as the dashboard (clinician)." },
        interaction: [{ code: "transaction", documentation: "POST a transaction, batch, collection or searchset Bundle: imported in one database transaction, refused whole on any invalid entry." }, { code: "batch" }],
        resource: [
          { type: "Patient", interaction: [{ code: "read" }, { code: "search-type" }], searchParam: [search("identifier", "token", "The MRN: system|value or value")], operation: [{ name: "everything", definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything" }] },
          { type: "Condition", interaction: [{ code: "search-type" }], searchParam: [search("patient", "reference", "Required")] },
          { type: "FamilyMemberHistory", interaction: [{ code: "search-type" }], searchParam: [search("patient", "reference", "Required")] },
          { type: "Observation", interaction: [{ code: "search-type" }], searchParam: [search("patient", "reference", "Required"), search("category", "token", "social-history (smoking status) or survey (diet records)")] },
          { type: "ImagingStudy", interaction: [{ code: "search-type" }], searchParam: [search("patient", "reference", "Required")] },
          { type: "RiskAssessment", interaction: [{ code: "search-type" }], searchParam: [search("patient", "reference", "Required")] },
        ],
      },
    ],
  };
}
