import { jsonBodyErrors, uuidPathErrors, type ErrorSpec } from "../errors";
import { ref } from "../components";
import { header, jsonBody, jsonResponse, stringPath, uuidPath, type Operations, type Parameter } from "../operation";

/** DICOMweb (PS3.18): the server under /dicomweb, PACS sources, the PACS panel, DICOM SR reports. */

const UID = { type: "string", pattern: "^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))+$", maxLength: 64 };
const study = stringPath("study", "Study Instance UID.", UID);
const series = stringPath("series", "Series Instance UID.", UID);
const instance = stringPath("instance", "SOP Instance UID.", UID);
const frames = stringPath("frames", "Frame numbers from 1, comma-separated (e.g. `1` or `1,2,3`; at most 256).", { type: "string", pattern: "^[1-9][0-9]{0,6}(,[1-9][0-9]{0,6}){0,255}$" });
const binary = { type: "string", contentMediaType: "application/octet-stream" };
const dicomJson = (description: string) => ({ description, content: { "application/dicom+json": { schema: ref("DicomJsonList") } } });
const uidErrors: ErrorSpec = { 400: { codes: ["validation_failed"], note: "A path UID that is not a DICOM UID." } };
const decoderBusy: ErrorSpec = { 503: { codes: ["decoder_busy"], note: "Every decode worker thread is busy; try again shortly." } };
const pacsErrors: ErrorSpec = {
  404: { codes: ["not_found"], note: "No such patient, or the source is unknown or disabled." },
  502: { codes: ["pacs_unreachable", "pacs_error", "pacs_bad_answer", "source_secret_missing"], note: "The PACS could not be reached, refused, or answered something that is not DICOMweb; the message names it." },
  504: { codes: ["pacs_timeout"], note: "The PACS did not answer within the source's timeout." },
};

const q = (name: string, description: string, schema: Record<string, unknown> = { type: "string" }): Parameter => ({ name, in: "query", required: false, description, schema });
const studyKeys: Parameter[] = [
  q("PatientID", "The patient's MRN (00100020); `*` and `?` are wildcards."),
  q("PatientName", "Family^Given (00100010), case-insensitive; `*` and `?` are wildcards; without `^` it matches the family name."),
  q("StudyDate", "A date or range (00080020): YYYYMMDD, YYYYMMDD-, -YYYYMMDD or YYYYMMDD-YYYYMMDD."),
  q("ModalitiesInStudy", "Studies with any of these modalities (00080061), comma-separated, e.g. CT,MR."),
  q("StudyInstanceUID", "One or more Study Instance UIDs (0020000D), comma-separated."),
  q("AccessionNumber", "Accession number (00080050); wildcards allowed."),
  q("limit", "At most this many results (1–1000, default 100).", { type: "integer", minimum: 1, maximum: 1000 }),
  q("offset", "Skip this many results (default 0).", { type: "integer", minimum: 0 }),
  q("includefield", "Accepted and ignored: every attribute this server keeps is always returned."),
  q("fuzzymatching", "Only `false` (fuzzy matching is not supported).", { type: "string", enum: ["false"] }),
];
const seriesKeys: Parameter[] = [q("Modality", "Modality (00080060), e.g. CT."), q("SeriesInstanceUID", "One or more Series Instance UIDs (0020000E), comma-separated.")];
const instanceKeys: Parameter[] = [q("SOPInstanceUID", "One or more SOP Instance UIDs (00080018), comma-separated.")];
const qidoNote =
  "Keys may also be given by tag (e.g. `00100020`). Any other key is refused (400 unknown_query_key, naming it). Patient attributes come from the patient record (PatientID is the MRN). Every search is audited, one row per patient in the answer.";
const qidoErrors: ErrorSpec = { 400: { codes: ["unknown_query_key", "validation_failed"], note: "An unsupported key, or a malformed value (a date range, a UID, limit/offset)." } };

const multipartDicom = (what: string) => ({
  description: `${what} as multipart/related; type="application/dicom": one Part 10 file per part, as stored (each part's Content-Type carries its transfer-syntax).`,
  content: { 'multipart/related; type="application/dicom"': { schema: binary } },
});
const acceptInstances: Parameter = {
  name: "Accept",
  in: "header",
  required: false,
  description:
    'multipart/related; type="application/dicom" with transfer-syntax=* (or the stored syntax, or none: the stored file is sent). Another transfer syntax answers 406: instances are not transcoded (frames are).',
  schema: { type: "string" },
} as unknown as Parameter;
const wadoErrors: ErrorSpec = { 404: { codes: ["not_found"], note: "Nothing of that UID is stored here." }, 406: ["not_acceptable"] };

const stowRequest = {
  required: true,
  description: 'multipart/related; type="application/dicom"; boundary=… — one DICOM Part 10 instance per part (at most 1000 per request, each at most FUSION_UPLOAD_LIMIT_BYTES, all together at most FUSION_STOW_LIMIT_BYTES).',
  content: { "multipart/related": { schema: binary } },
};
const stowDescription =
  "Each instance goes through the upload's validation (parse and decode within the image limits), is filed under the patient whose MRN equals its Patient ID (an unknown MRN, a contradicting birth date or name, or a study already held for another patient fail that instance), is stored with a queued assessment, and is audited. " +
  "A re-sent instance (same patient and SOP Instance UID, or the same bytes) is reported as stored without storing it again. " +
  "The answer is the Store Instances Response in DICOM JSON: ReferencedSOPSequence (00081199) for stored instances, FailedSOPSequence (00081198) with FailureReason (00081197: 0110 processing failure, 0122 SOP class not supported, A700 out of resources, A900 does not match, C000 cannot understand, C122 transfer syntax not supported) and the reason in words in Error Comment (00000902). " +
  "Besides a clinician's session this route accepts a DICOMweb source's push token (`Authorization: Bearer fcds_push_…`, issued by an admin; audited as the source).";
const stowResponses = {
  "200": { description: "Every instance stored (or already stored).", content: { "application/dicom+json": { schema: ref("DicomJsonObject") } } },
  "202": { description: "Some instances stored, some failed: see FailedSOPSequence.", content: { "application/dicom+json": { schema: ref("DicomJsonObject") } } },
  "409": { description: "No instance stored: each failed for the reason given in FailedSOPSequence.", content: { "application/dicom+json": { schema: ref("DicomJsonObject") } } },
};
const stowErrors: ErrorSpec[] = [
  { 400: { codes: ["malformed_multipart", "no_instances"], note: "No boundary, no part, or a body that is not multipart at all." } },
  { 401: { codes: ["unauthenticated"], note: "Also for an unknown, revoked or disabled push token." } },
  { 413: ["instance_too_large", "payload_too_large", "too_many_parts"] },
  { 415: { codes: ["unsupported_media_type"], note: 'Not multipart/related; type="application/dicom".' } },
  { 503: ["model_unavailable"] },
];

export const dicomwebOperations: Operations = {
  "GET /dicomweb/studies": {
    operationId: "qidoStudies",
    tag: "DICOMweb",
    summary: "QIDO-RS: search for studies",
    description: qidoNote,
    parameters: studyKeys,
    responses: { "200": dicomJson("Matching studies (DICOM JSON), newest first; an empty array when none.") },
    errors: [qidoErrors],
  },
  "POST /dicomweb/studies": {
    operationId: "stowInstances",
    tag: "DICOMweb",
    summary: "STOW-RS: store instances",
    description: stowDescription,
    requestBody: stowRequest,
    responses: stowResponses,
    errors: stowErrors,
  },
  "GET /dicomweb/studies/[study]": {
    operationId: "wadoStudy",
    tag: "DICOMweb",
    summary: "WADO-RS: every instance of a study",
    parameters: [study, acceptInstances],
    responses: { "200": multipartDicom("The study's instances") },
    errors: [uidErrors, wadoErrors],
  },
  "POST /dicomweb/studies/[study]": {
    operationId: "stowInstancesToStudy",
    tag: "DICOMweb",
    summary: "STOW-RS: store instances of one study",
    description: `${stowDescription} Instances of another study fail with A900.`,
    parameters: [study],
    requestBody: stowRequest,
    responses: stowResponses,
    errors: [uidErrors, ...stowErrors],
  },
  "GET /dicomweb/studies/[study]/metadata": {
    operationId: "wadoStudyMetadata",
    tag: "DICOMweb",
    summary: "WADO-RS: the study's instance headers (DICOM JSON)",
    description: "One object per instance, Pixel Data left out, binary values up to 4 KiB inline; the stored transfer syntax as 00083002.",
    parameters: [study],
    responses: { "200": dicomJson("The headers.") },
    errors: [uidErrors, wadoErrors, decoderBusy],
  },
  "GET /dicomweb/studies/[study]/series": {
    operationId: "qidoSeries",
    tag: "DICOMweb",
    summary: "QIDO-RS: a study's series",
    description: qidoNote,
    parameters: [study, ...studyKeys, ...seriesKeys],
    responses: { "200": dicomJson("The series (DICOM JSON).") },
    errors: [uidErrors, qidoErrors],
  },
  "GET /dicomweb/studies/[study]/series/[series]": {
    operationId: "wadoSeries",
    tag: "DICOMweb",
    summary: "WADO-RS: every instance of a series",
    parameters: [study, series, acceptInstances],
    responses: { "200": multipartDicom("The series' instances, in Instance Number order") },
    errors: [uidErrors, wadoErrors],
  },
  "GET /dicomweb/studies/[study]/series/[series]/metadata": {
    operationId: "wadoSeriesMetadata",
    tag: "DICOMweb",
    summary: "WADO-RS: the series' instance headers (DICOM JSON)",
    parameters: [study, series],
    responses: { "200": dicomJson("The headers.") },
    errors: [uidErrors, wadoErrors, decoderBusy],
  },
  "GET /dicomweb/studies/[study]/series/[series]/instances": {
    operationId: "qidoInstances",
    tag: "DICOMweb",
    summary: "QIDO-RS: a series' instances",
    description: qidoNote,
    parameters: [study, series, ...studyKeys, ...seriesKeys, ...instanceKeys],
    responses: { "200": dicomJson("The instances (DICOM JSON).") },
    errors: [uidErrors, qidoErrors],
  },
  "GET /dicomweb/studies/[study]/series/[series]/instances/[instance]": {
    operationId: "wadoInstance",
    tag: "DICOMweb",
    summary: "WADO-RS: one instance",
    parameters: [study, series, instance, acceptInstances],
    responses: { "200": multipartDicom("The instance") },
    errors: [uidErrors, wadoErrors],
  },
  "GET /dicomweb/studies/[study]/series/[series]/instances/[instance]/metadata": {
    operationId: "wadoInstanceMetadata",
    tag: "DICOMweb",
    summary: "WADO-RS: one instance's header (DICOM JSON)",
    parameters: [study, series, instance],
    responses: { "200": dicomJson("A one-element array.") },
    errors: [uidErrors, wadoErrors, decoderBusy],
  },
  "GET /dicomweb/studies/[study]/series/[series]/instances/[instance]/frames/[frames]": {
    operationId: "wadoFrames",
    tag: "DICOMweb",
    summary: "WADO-RS: frames (pixel data)",
    description:
      'One part per frame. Accept: multipart/related; type="application/octet-stream" with transfer-syntax=* (as stored: compressed frames keep their image/* type), a named syntax, or none (Explicit VR Little Endian, PS3.18\'s default: uncompressed data as is, big endian swapped, monochrome compressed data decompressed). ' +
      "What cannot be given (colour compressed data uncompressed, another compression) answers 406. Each part's Content-Type names its transfer-syntax.",
    parameters: [study, series, instance, frames],
    responses: {
      "200": {
        description: "The frames.",
        content: { 'multipart/related; type="application/octet-stream"': { schema: binary }, "multipart/related; type=\"image/jls\"": { schema: binary } },
      },
    },
    errors: [uidErrors, { 404: ["not_found", "frame_not_found", "no_frames"], 406: ["not_acceptable"], 422: ["decode_failed", "truncated"] }, decoderBusy],
  },

  "GET /api/admin/dicomweb-sources": {
    operationId: "listDicomwebSources",
    tag: "DICOMweb",
    summary: "DICOMweb sources (PACS)",
    description: "Secrets are never returned (`hasSecret`).",
    responses: { "200": jsonResponse("The sources.", "DicomwebSourceList") },
  },
  "POST /api/admin/dicomweb-sources": {
    operationId: "createDicomwebSource",
    tag: "DICOMweb",
    summary: "Add a DICOMweb source",
    description: "The PACS's DICOMweb root URL and authentication: none, basic (username + password) or bearer (token). The password or token is stored AES-256-GCM encrypted under the server's secrets key (FUSION_MFA_KEY), or `secretEnv` names an environment variable that holds it. Audited.",
    requestBody: jsonBody("DicomwebSourceCreate"),
    responses: { "201": jsonResponse("Added.", "DicomwebSource") },
    errors: [jsonBodyErrors, { 409: ["source_name_taken"] }],
  },
  "PATCH /api/admin/dicomweb-sources/[id]": {
    operationId: "updateDicomwebSource",
    tag: "DICOMweb",
    summary: "Change a DICOMweb source; issue or revoke its push token",
    description: "`pushToken: true` issues a new push token (in this answer only; the server keeps its SHA-256; the old one stops working), `false` revokes it. Audited (field names only).",
    parameters: [uuidPath("id", "DICOMweb source")],
    requestBody: jsonBody("DicomwebSourceUpdate"),
    responses: { "200": jsonResponse("Changed.", "DicomwebSourceUpdated") },
    errors: [uuidPathErrors, jsonBodyErrors, { 404: ["not_found"], 409: ["source_name_taken"] }],
  },
  "DELETE /api/admin/dicomweb-sources/[id]": {
    operationId: "deleteDicomwebSource",
    tag: "DICOMweb",
    summary: "Remove a DICOMweb source",
    parameters: [uuidPath("id", "DICOMweb source")],
    responses: { "204": { description: "Removed." } },
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },

  "GET /api/patients/[id]/pacs/studies": {
    operationId: "queryPacs",
    tag: "DICOMweb",
    summary: "The PACS's studies for this patient's MRN",
    description: "QIDO-RS on the source by PatientID = MRN, then each study's series, with how many instances of each are already stored here. Audited.",
    parameters: [uuidPath("id", "patient"), { name: "source", in: "query", required: true, description: "The DICOMweb source's id.", schema: { type: "string", format: "uuid" } }],
    responses: { "200": jsonResponse("Studies, newest first.", "PacsQueryResult") },
    errors: [uuidPathErrors, { 400: ["validation_failed"] }, pacsErrors],
  },
  "POST /api/patients/[id]/pacs/imports": {
    operationId: "importFromPacs",
    tag: "DICOMweb",
    summary: "Import series from the PACS (streamed progress)",
    description:
      "Lists the instances first (a PACS that is down answers 502/504 here, nothing imported). Then an NDJSON stream: `{type:\"progress\", total, done, imported, skipped, failed}` after each instance, ending with `{type:\"done\", …, failures, scanIds}` or `{type:\"error\", status, code, message, progress}`. " +
      "Each instance is fetched (WADO-RS) and stored whole — file, Scan row, queued assessment, audit row — or not at all; instances already here are skipped, so running the import again continues where it stopped.",
    parameters: [uuidPath("id", "patient")],
    requestBody: jsonBody("PacsImportInput"),
    responses: { "200": { description: "The progress stream.", headers: { "X-Import-Total": header("instances to import") }, content: { "application/x-ndjson": { schema: { type: "string" } } } } },
    errors: [uuidPathErrors, jsonBodyErrors, pacsErrors, { 404: ["nothing_to_import"], 503: ["model_unavailable"] }],
  },

  "GET /api/assessments/[id]/report": {
    operationId: "getAssessmentReport",
    tag: "DICOMweb",
    summary: "A finished assessment as a DICOM Structured Report",
    description: "Comprehensive SR (application/dicom): the scores per outcome in %, intervals, categories, the model name and version, the research-use notice, the notices, and a reference to the assessed image (SOP Instance UID and frame), in the image's study. Audited.",
    parameters: [uuidPath("id", "assessment")],
    responses: { "200": { description: "The SR file.", content: { "application/dicom": { schema: binary } } } },
    errors: [uuidPathErrors, { 404: ["not_found"], 409: ["assessment_not_done", "no_source_image"] }],
  },
  "POST /api/assessments/[id]/report": {
    operationId: "sendAssessmentReport",
    tag: "DICOMweb",
    summary: "Send the assessment to a PACS as a DICOM SR (STOW-RS)",
    description:
      "Succeeds when the PACS lists the SR as stored. With `saliencyCapture: true` the saliency overlay goes too, as a Secondary Capture (RGB: the assessed frame in its default window with the Grad-CAM map blended over it) in the SR's series. The UIDs derive from the assessment: sending again sends the same instances. Audited either way.",
    parameters: [uuidPath("id", "assessment")],
    requestBody: jsonBody("SendReportInput"),
    responses: { "200": jsonResponse("Stored by the PACS.", "SentReport") },
    errors: [uuidPathErrors, jsonBodyErrors, decoderBusy, { 404: ["not_found"], 409: ["assessment_not_done", "no_source_image", "no_saliency"], 422: ["decode_failed"], 502: ["pacs_refused", "pacs_unreachable", "pacs_error", "pacs_bad_answer"], 504: ["pacs_timeout"] }],
  },
};
