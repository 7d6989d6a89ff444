import { FhirByPatientSearch, FhirObservationSearch, FhirPatientSearch } from "@/lib/domain";
import { jsonBodyErrors, uuidPathErrors } from "../errors";
import { queryParameters } from "../json-schema";
import { fhirResponse, jsonBody, jsonResponse, stringPath, uuidPath, type OperationSpec, type Operations } from "../operation";

const searchErrors = { 400: { codes: ["validation_failed"], note: "A missing or malformed search parameter, or an unknown one." }, 404: { codes: ["not_found"], note: "No patient with that id." } };
const patientParam = { patient: "The patient: its id, or Patient/{id}." };

const search = (type: string, summary: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
  operationId: `search${type}`,
  tag: "FHIR R4",
  summary,
  parameters: queryParameters(FhirByPatientSearch, patientParam),
  responses: { "200": fhirResponse(`A searchset Bundle of ${type} resources.`, "FhirBundle") },
  errors: [searchErrors],
  errorFormat: "fhir",
  ...extra,
});

/** FHIR R4 (lib/fhir), CDS Hooks 2.0 (lib/fhir/cds) and trusted-EHR administration. */
export const fhirOperations: Operations = {
  "POST /fhir/R4": {
    operationId: "importFhir",
    tag: "FHIR R4",
    summary: "Import a Bundle (or NDJSON) into the records",
    description:
      "A transaction, batch, collection or searchset Bundle (application/fhir+json), or NDJSON (application/x-ndjson, one resource per line). " +
      "Patient (matched by the MRN identifier of FUSION_FHIR_MRN_SYSTEM), Condition (ICD-10 / SNOMED CT), FamilyMemberHistory, smoking-status (LOINC 72166-2) " +
      "and diet (LOINC 75284-0) Observations are imported; other resource types are skipped with an informational outcome. Every entry is validated against " +
      "the FHIR R4 base specification and what the record stores; any invalid entry refuses the whole bundle (nothing written) with an OperationOutcome naming " +
      "the entry and the element. One database transaction per bundle; idempotent; a changed patient is re-assessed. Audited per patient.",
    requestBody: {
      required: true,
      content: { "application/fhir+json": { schema: { $ref: "#/components/schemas/FhirBundle" } }, "application/x-ndjson": { schema: { type: "string" } } },
    },
    responses: { "200": fhirResponse("A transaction-response (or batch-response) Bundle: one entry per entry sent, with its status, location and any information.", "FhirBundle") },
    errors: [
      {
        400: { codes: ["validation_failed"], note: "Not JSON, not a Bundle, a resource invalid against the R4 base specification, a duplicated fullUrl, an unsupported request method." },
        413: { codes: ["payload_too_large"], note: "More bytes than FUSION_FHIR_MAX_BUNDLE_BYTES or entries than FUSION_FHIR_MAX_ENTRIES." },
        415: ["unsupported_media_type"],
        422: { codes: ["unprocessable"], note: "Content the record cannot take: an unknown code system, a date in the future, a reference to a patient not in the bundle, a missing MRN…" },
        503: { codes: ["model_unavailable"], note: "The served model (needed to queue the re-assessment) cannot be loaded." },
      },
    ],
    errorFormat: "fhir",
  },
  "GET /fhir/R4/metadata": {
    operationId: "fhirCapabilities",
    tag: "FHIR R4",
    summary: "CapabilityStatement",
    responses: { "200": fhirResponse("What this FHIR server supports.", "CapabilityStatement") },
    errorFormat: "fhir",
  },
  "GET /fhir/R4/Patient": {
    operationId: "searchPatient",
    tag: "FHIR R4",
    summary: "Find a patient by MRN",
    parameters: queryParameters(FhirPatientSearch, { identifier: "system|value (the MRN system of this server) or a bare MRN." }),
    responses: { "200": fhirResponse("A searchset Bundle with the patient, or none.", "FhirBundle") },
    errors: [{ 400: searchErrors[400] }],
    errorFormat: "fhir",
  },
  "GET /fhir/R4/Patient/[id]": {
    operationId: "readPatient",
    tag: "FHIR R4",
    summary: "Read a patient",
    parameters: [uuidPath("id", "patient")],
    responses: { "200": fhirResponse("The Patient.", "FhirPatient") },
    errors: [{ 404: ["not_found"] }],
    errorFormat: "fhir",
  },
  "GET /fhir/R4/Patient/[id]/[operation]": {
    operationId: "patientEverything",
    tag: "FHIR R4",
    summary: "Patient/$everything: the whole record as one Bundle",
    description: "Patient, Condition, FamilyMemberHistory, Observation (smoking status, diet), ImagingStudy (scans) and RiskAssessment (finished assessments). Importing it elsewhere gives the same record.",
    parameters: [uuidPath("id", "patient"), stringPath("operation", "The operation: `$everything`.", { type: "string", enum: ["$everything"] })],
    responses: { "200": fhirResponse("A searchset Bundle.", "FhirBundle") },
    errors: [{ 404: { codes: ["not_found"], note: "No such patient, or another operation name." } }],
    errorFormat: "fhir",
  },
  "GET /fhir/R4/Condition": search("Condition", "The patient's conditions (medical history)"),
  "GET /fhir/R4/FamilyMemberHistory": search("FamilyMemberHistory", "The patient's family history"),
  "GET /fhir/R4/Observation": search("Observation", "Smoking status and diet records", {
    parameters: queryParameters(FhirObservationSearch, { ...patientParam, category: "social-history (smoking status) or survey (diet records); absent: both." }),
  }),
  "GET /fhir/R4/ImagingStudy": search("ImagingStudy", "The patient's scans"),
  "GET /fhir/R4/RiskAssessment": search("RiskAssessment", "The patient's risk assessments", {
    description:
      "One RiskAssessment per finished assessment: a prediction per outcome (probabilityDecimal, whenRange, qualitativeRisk, rationale with the uncertainty interval), basis = the record entries and scan it read, method = the model version, the research-use notice as a note.",
  }),

  "GET /cds-services": {
    operationId: "cdsDiscovery",
    tag: "CDS Hooks",
    summary: "CDS Hooks discovery",
    responses: { "200": jsonResponse("The services: one patient-view service with its prefetch templates.", "CdsDiscovery") },
  },
  "POST /cds-services/[id]": {
    operationId: "cdsPatientView",
    tag: "CDS Hooks",
    summary: "patient-view: risk cards for the patient the clinician opened",
    description:
      "Uses the prefetch (patient, conditions, familyHistory, observations) and fetches what is missing from `fhirServer` with `fhirAuthorization`. Scores record-only, " +
      "or with the latest scan when the patient is known here by MRN. One card per outcome: summary with the risk, indicator by category (low info, moderate warning, " +
      "high critical), detail with top factors and the uncertainty interval, the model card as source, a link to the record for known patients. Audited.",
    parameters: [stringPath("id", "The service id from discovery: `fusion-risk`.")],
    requestBody: jsonBody("CdsPatientViewRequest"),
    responses: { "200": jsonResponse("The cards.", "CdsCards") },
    errors: [
      jsonBodyErrors,
      { 404: { codes: ["not_found"], note: "No service with that id (answered only to a trusted EHR)." }, 412: { codes: ["prefetch_missing", "fhir_fetch_failed", "patient_missing"], note: "Data needed to score is neither prefetched nor fetchable." }, 422: ["birth_date_missing"] },
    ],
  },

  "GET /api/admin/ehrs": {
    operationId: "listTrustedEhrs",
    tag: "Administration",
    summary: "EHRs trusted to call the CDS Hooks service",
    responses: { "200": jsonResponse("The trusted EHRs, by name.", "TrustedEhrList") },
  },
  "POST /api/admin/ehrs": {
    operationId: "createTrustedEhr",
    tag: "Administration",
    summary: "Trust an EHR (issuer, keys, client id)",
    requestBody: jsonBody("TrustedEhrCreate"),
    responses: { "201": jsonResponse("Created.", "TrustedEhrResult") },
    errors: [jsonBodyErrors, { 409: ["issuer_taken"] }],
  },
  "PATCH /api/admin/ehrs/[id]": {
    operationId: "updateTrustedEhr",
    tag: "Administration",
    summary: "Change, enable or disable a trusted EHR",
    parameters: [uuidPath("id", "trusted EHR")],
    requestBody: jsonBody("TrustedEhrUpdate"),
    responses: { "200": jsonResponse("The EHR as changed.", "TrustedEhrResult") },
    errors: [jsonBodyErrors, uuidPathErrors, { 404: ["not_found"], 409: ["keys_required"] }],
  },
  "DELETE /api/admin/ehrs/[id]": {
    operationId: "deleteTrustedEhr",
    tag: "Administration",
    summary: "Stop trusting an EHR",
    parameters: [uuidPath("id", "trusted EHR")],
    responses: { "204": { description: "Removed." } },
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },
};
