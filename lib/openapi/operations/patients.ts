import { PatientSearch, patientSortValues } from "@/lib/domain";
import { jsonBodyErrors, uuidPathErrors, type ErrorSpec } from "../errors";
import { queryParameters } from "../json-schema";
import { header, jsonBody, jsonResponse, uuidPath, type Operations } from "../operation";

const patientId = uuidPath("id", "patient");
const entryId = (what: string) => uuidPath("entryId", what);
const patientNotFound: ErrorSpec = { 404: ["not_found"] };
const noContent = { "204": { description: "Deleted." } };

/** Identified patient records: search, create, read, edit; medical history, family history, diet. */
export const patientOperations: Operations = {
  "GET /api/patients": {
    operationId: "searchPatients",
    tag: "Patients",
    summary: "Search and list patients",
    description:
      "Free-text search over name and MRN (an MRN-shaped word matches MRNs by prefix), paged and sorted. " +
      "Unknown query parameters are refused (400). For free-text searches `total` stops counting at 1000 and `totalIsLowerBound` says so. The search is audited.",
    parameters: queryParameters(PatientSearch, {
      q: "Search words (name or MRN); empty lists everyone.",
      page: "1-based page number.",
      pageSize: "Patients per page (1–200).",
      sort: `One of ${patientSortValues.join(", ")}; a leading "-" sorts descending. \`risk\` is the highest calibrated probability of the latest finished assessment.`,
    }),
    responses: { "200": jsonResponse("A page of patients with their latest risk.", "PatientListPage") },
    errors: [{ 400: ["validation_failed"] }],
  },
  "POST /api/patients": {
    operationId: "createPatient",
    tag: "Patients",
    summary: "Create a patient",
    description: "Strings are trimmed. The birth date must be a real calendar date, not in the future and not before 1880 (checked by the server beyond this schema).",
    requestBody: jsonBody("PatientCreate"),
    responses: { "201": jsonResponse("The new patient.", "Patient", { Location: header("/api/patients/{id}") }) },
    errors: [jsonBodyErrors, { 409: { codes: ["duplicate_mrn"], note: "The MRN is already in use." } }],
  },
  "GET /api/patients/[id]": {
    operationId: "getPatientRecord",
    tag: "Patients",
    summary: "A patient's whole record",
    description: "Demographics, medical history, family history, diet records, scans (metadata only) and assessments. Every read is audited.",
    parameters: [patientId],
    responses: { "200": jsonResponse("The record.", "PatientRecord") },
    errors: [uuidPathErrors, patientNotFound],
  },
  "PATCH /api/patients/[id]": {
    operationId: "updatePatient",
    tag: "Patients",
    summary: "Change demographics",
    description: "Any subset of the PatientCreate fields, at least one. A birth date after a recorded condition onset or diet record is refused (400).",
    parameters: [patientId],
    requestBody: jsonBody("PatientUpdate"),
    responses: { "200": jsonResponse("The patient as changed.", "Patient") },
    errors: [uuidPathErrors, jsonBodyErrors, patientNotFound, { 409: ["duplicate_mrn"] }],
  },
  "POST /api/patients/[id]/conditions": {
    operationId: "addCondition",
    tag: "Medical history",
    summary: "Add a condition to the medical history",
    description:
      "The code is trimmed and upper-cased, then checked against its code system: ICD-10 (`I10`, `E11.9`) or a SNOMED CT concept id (6–18 digits). " +
      "The onset date may not be in the future nor before the patient's birth date.",
    parameters: [patientId],
    requestBody: jsonBody("ConditionCreate"),
    responses: { "201": jsonResponse("The new condition.", "Condition") },
    errors: [uuidPathErrors, jsonBodyErrors, patientNotFound],
  },
  "GET /api/patients/[id]/outcomes": {
    operationId: "listOutcomes",
    tag: "Outcomes",
    summary: "A patient's observed outcomes and follow-up",
    description:
      "Every outcome entry, newest first, entries marked entered in error included (with their reason), and the follow-up labels use: " +
      "the recorded end of follow-up, the last record activity and the later of the two. Audited.",
    parameters: [patientId],
    responses: { "200": jsonResponse("The outcomes and follow-up.", "PatientOutcomes") },
    errors: [uuidPathErrors, patientNotFound],
  },
  "POST /api/patients/[id]/outcomes": {
    operationId: "recordOutcome",
    tag: "Outcomes",
    summary: "Record an observed outcome",
    description: "Which outcome (a model's outcome key: `lung_cancer`, `mace`) and when (not in the future, not before birth). The source is `clinician`. Audited.",
    parameters: [patientId],
    requestBody: jsonBody("OutcomeCreate"),
    responses: { "201": jsonResponse("The new outcome entry.", "Outcome") },
    errors: [uuidPathErrors, jsonBodyErrors, patientNotFound],
  },
  "POST /api/patients/[id]/outcomes/[entryId]/entered-in-error": {
    operationId: "markOutcomeEnteredInError",
    tag: "Outcomes",
    summary: "Mark an outcome entered in error",
    description: "With a reason (3–500 characters). The entry is kept, shown struck through, and no longer counts for labels. Audited.",
    parameters: [patientId, entryId("outcome")],
    requestBody: jsonBody("OutcomeEnteredInError"),
    responses: { "200": jsonResponse("The entry as marked.", "Outcome") },
    errors: [uuidPathErrors, jsonBodyErrors, { 404: { codes: ["not_found"], note: "No such patient, or no such outcome on this patient." } }, { 409: { codes: ["already_entered_in_error"], note: "The entry is already marked." } }],
  },
  "PUT /api/patients/[id]/follow-up": {
    operationId: "setFollowUp",
    tag: "Outcomes",
    summary: "Set the recorded end of follow-up",
    description: "The date up to which the patient is known to be followed up (null clears it). Labels use the later of this and the last record activity. Audited.",
    parameters: [patientId],
    requestBody: jsonBody("FollowUpUpdate"),
    responses: { "200": jsonResponse("The follow-up as set.", "FollowUp") },
    errors: [uuidPathErrors, jsonBodyErrors, patientNotFound],
  },
  "PATCH /api/patients/[id]/conditions/[entryId]": {
    operationId: "updateCondition",
    tag: "Medical history",
    summary: "Change a condition",
    description: "Any subset of the fields, at least one; the code is re-checked against the (new or current) code system.",
    parameters: [patientId, entryId("condition")],
    requestBody: jsonBody("ConditionUpdate"),
    responses: { "200": jsonResponse("The condition as changed.", "Condition") },
    errors: [uuidPathErrors, jsonBodyErrors, { 404: { codes: ["not_found"], note: "No such patient, or no such condition on this patient." } }],
  },
  "DELETE /api/patients/[id]/conditions/[entryId]": {
    operationId: "deleteCondition",
    tag: "Medical history",
    summary: "Delete a condition",
    parameters: [patientId, entryId("condition")],
    responses: noContent,
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },
  "POST /api/patients/[id]/family-history": {
    operationId: "addFamilyHistory",
    tag: "Family history",
    summary: "Add a family-history entry",
    description: "A relative's condition (ICD-10 or SNOMED CT, checked as for conditions), age at onset, deceased flag.",
    parameters: [patientId],
    requestBody: jsonBody("FamilyHistoryCreate"),
    responses: { "201": jsonResponse("The new entry.", "FamilyHistory") },
    errors: [uuidPathErrors, jsonBodyErrors, patientNotFound],
  },
  "PATCH /api/patients/[id]/family-history/[entryId]": {
    operationId: "updateFamilyHistory",
    tag: "Family history",
    summary: "Change a family-history entry",
    description:
      "Any subset of the fields, at least one; unknown fields are refused. The code is re-checked against the (new or current) code system. " +
      "The audit row names the fields that changed (not their values).",
    parameters: [patientId, entryId("family-history entry")],
    requestBody: jsonBody("FamilyHistoryUpdate"),
    responses: { "200": jsonResponse("The entry as changed.", "FamilyHistory") },
    errors: [uuidPathErrors, jsonBodyErrors, { 404: { codes: ["not_found"], note: "No such patient, or no such entry on this patient." } }],
  },
  "DELETE /api/patients/[id]/family-history/[entryId]": {
    operationId: "deleteFamilyHistory",
    tag: "Family history",
    summary: "Delete a family-history entry",
    parameters: [patientId, entryId("family-history entry")],
    responses: noContent,
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },
  "POST /api/patients/[id]/diet": {
    operationId: "addDietRecord",
    tag: "Diet",
    summary: "Add a diet record",
    description: "Daily intakes with plausible upper bounds (beyond them the entry is almost surely a typo). The date may not be in the future nor before the birth date.",
    parameters: [patientId],
    requestBody: jsonBody("DietRecordCreate"),
    responses: { "201": jsonResponse("The new diet record.", "DietRecord") },
    errors: [uuidPathErrors, jsonBodyErrors, patientNotFound],
  },
  "PATCH /api/patients/[id]/diet/[entryId]": {
    operationId: "updateDietRecord",
    tag: "Diet",
    summary: "Change a diet record",
    description:
      "Any subset of the fields, at least one; unknown fields are refused. Intakes keep their plausible upper bounds; the date may not be in the future nor before the birth date. " +
      "The audit row names the fields that changed (not their values).",
    parameters: [patientId, entryId("diet record")],
    requestBody: jsonBody("DietRecordUpdate"),
    responses: { "200": jsonResponse("The diet record as changed.", "DietRecord") },
    errors: [uuidPathErrors, jsonBodyErrors, { 404: { codes: ["not_found"], note: "No such patient, or no such diet record on this patient." } }],
  },
  "DELETE /api/patients/[id]/diet/[entryId]": {
    operationId: "deleteDietRecord",
    tag: "Diet",
    summary: "Delete a diet record",
    parameters: [patientId, entryId("diet record")],
    responses: noContent,
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },
};
