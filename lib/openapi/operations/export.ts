import { ExportFilters, ExportRequest, columnGroups, dictionaryAsValues } from "@/lib/export/query";
import { queryParameters } from "../json-schema";
import { header, jsonResponse, type Operations } from "../operation";

const commaNote = " Repeat the parameter or separate values with commas.";
const filterParameters = queryParameters(ExportFilters, {
  condition: "Condition code terms: an ICD-10 code (`E11.9`), a prefix (`I25`), a range (`I20-I25`) or `SNOMED:<id>`." + commaNote,
  familyHistory: "Family-history code terms, the same syntax." + commaNote,
  ageMin: "Age at the assessment, whole years, inclusive (90 means 90 or older).",
  ageMax: "Age at the assessment, whole years, inclusive; not below ageMin.",
  sex: "Sex." + commaNote,
  modality: "Scan modality (DICOM Modality, e.g. CT); `none` selects record-only assessments." + commaNote,
  from: "Assessments on or after this date (YYYY-MM-DD).",
  to: "Assessments on or before this date; not before `from`.",
  model: "Model name.",
  modelVersion: "Model version.",
  strategy: "Fusion strategy." + commaNote,
});
const requestParameters = queryParameters(ExportRequest, {
  format: "File format.",
  columns: `Column groups besides the always-present row key, pseudonym, model and demographics: ${columnGroups.join(", ")} (default: all).` + commaNote,
  after: "Resume: the `row_key` of the last row already received; the export continues after it.",
  limit: "At most this many rows (to split a large export into parts).",
  header: "CSV only: `0` leaves out the header line (when appending a resumed part).",
});

const filtersNote =
  "Cohort filters and the request parameters share the query string; an unknown parameter is refused (400), so a typo never silently widens a cohort.";
const sameParams = "The export's parameters are accepted (and validated) so that one query string serves all three export routes; `after`, `limit` and `header` do not change this answer.";
const notConfigured = {
  503: {
    codes: ["export_not_configured"],
    note: "The export configuration is unusable: a FUSION_EXPORT_SECRET shorter than 32 characters in production, a bad FUSION_MIN_CELL_SIZE, or no export secret can be read or made in the data directory.",
  },
};
const stream = { type: "string", description: "Streamed; no Content-Length." };
const smallCells =
  "Small cells: a cohort with fewer distinct patients than FUSION_MIN_CELL_SIZE (default 11) is not exported, and counts below it are shown as the string \"<11\".";

/** De-identified research export (researchers). */
export const exportOperations: Operations = {
  "GET /api/export": {
    operationId: "exportCohort",
    tag: "Research export",
    summary: "Download the de-identified cohort",
    description:
      "Streams one row per assessment: pseudonymised patients (HMAC with the server's export secret), generalised ages and dates, the features the model saw, scores and embeddings; " +
      "the data dictionary describes every column (GET /api/export/dictionary; Parquet files also carry it as metadata). " +
      `${filtersNote} ${smallCells} Audited at the start and at the end (rows, bytes, SHA-256 of the bytes sent); a refused export is audited as export.refused.`,
    parameters: [...requestParameters, ...filterParameters],
    responses: {
      "200": {
        description: "The export file (attachment).",
        headers: {
          "Content-Disposition": header('attachment; filename="fusion-cds-export-<timestamp>[-resumed].<csv|parquet|ndjson>"'),
          "X-Export-Cohort-Rows": header("assessments in the cohort", { type: "integer" }),
          "X-Export-Cohort-Patients": header("patients in the cohort", { type: "integer" }),
          "X-Export-Columns": header("columns in the file", { type: "integer" }),
          "X-Export-Rows": header("rows this response will hold (absent when resuming with `after`)", { type: "integer" }),
        },
        content: {
          "text/csv": { schema: stream },
          "application/vnd.apache.parquet": { schema: { ...stream, contentMediaType: "application/vnd.apache.parquet" } },
          "application/x-ndjson": { schema: stream },
        },
      },
    },
    errors: [
      { 400: { codes: ["validation_failed"], note: "Also an `after` that is not a row_key issued by this server." } },
      { 422: { codes: ["cohort_too_small"], note: "The cohort has fewer distinct patients than FUSION_MIN_CELL_SIZE (default 11); the answer does not say how many." } },
      notConfigured,
    ],
  },
  "GET /api/export/count": {
    operationId: "countCohort",
    tag: "Research export",
    summary: "The cohort's size before exporting",
    description: `Aggregates only. ${smallCells} For a cohort under the threshold the answer holds nothing that depends on its rows (no models, heads or embedding sizes): it is the same for 0, 1 or 10 patients. ${filtersNote} ${sameParams} Audited like an export (a count can single out a patient); a failed attempt as export.refused.`,
    parameters: [...requestParameters, ...filterParameters],
    responses: { "200": jsonResponse("Counts.", "ExportCount") },
    errors: [{ 400: ["validation_failed"] }, notConfigured],
  },
  "GET /api/export/dictionary": {
    operationId: "getExportDictionary",
    tag: "Research export",
    summary: "The data dictionary of an export",
    description: `Columns, types, units, sources and de-identification of the export with the same parameters. ${smallCells} For a cohort under the threshold it describes the fixed columns only. ${filtersNote} ${sameParams} No patient data: a successful answer is not audited, a failed attempt is (export.refused).`,
    parameters: [
      { name: "as", in: "query", required: false, description: `The dictionary's own format: ${dictionaryAsValues.join(" or ")}.`, schema: { type: "string", enum: [...dictionaryAsValues], default: "json" } },
      ...requestParameters,
      ...filterParameters,
    ],
    responses: {
      "200": {
        description: "The dictionary (attachment).",
        headers: { "Content-Disposition": header('attachment; filename="fusion-cds-export-dictionary.<json|md>"') },
        content: { "application/json": { schema: { $ref: "#/components/schemas/ExportDictionary" } }, "text/markdown": { schema: { type: "string" } } },
      },
    },
    errors: [{ 400: ["validation_failed"] }, notConfigured],
  },
};
