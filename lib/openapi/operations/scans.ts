import { jsonBodyErrors, uuidPathErrors } from "../errors";
import { ref } from "../components";
import { header, jsonBody, jsonResponse, uuidPath, type Operations } from "../operation";

const patientId = uuidPath("id", "patient");
const scanId = uuidPath("id", "scan");
const binary = { type: "string", contentMediaType: "application/octet-stream" };
const modelUnavailable = { 503: { codes: ["model_unavailable"], note: "No served risk model could be loaded." } };
const decoderBusy = { 503: { codes: ["decoder_busy"], note: "Every decode worker thread is busy and the queue is full; try again shortly." } };
const rateLimited = (what: string, env: string, n: number) => ({
  429: { codes: ["rate_limited"], note: `More than ${env} (default ${n}) ${what} a minute by this user; the Retry-After header says when to try again. Checked before the body is read.` },
});

/** Scans (upload, bytes, preview, DICOM tags) and assessments (re-assess, status stream, result). */
export const scanOperations: Operations = {
  "POST /api/patients/[id]/scans": {
    operationId: "uploadScan",
    tag: "Scans",
    summary: "Upload a scan and queue its assessment",
    description:
      "multipart/form-data with the file in the field `file` (DICOM in every common transfer syntax, PNG or JPEG) and optional text fields. " +
      "The file is parsed and its assessed frame decoded before anything is stored; the Scan row, its queued Assessment and the queue job are written in one transaction. " +
      "The same bytes again for the same patient answer 200 with the stored scan (`duplicate: true`). PNG and JPEG need `modality`. " +
      "A DICOM file whose Patient ID is another MRN (409 patient_mismatch) or names nobody — empty, placeholder or anonymized (409 patient_unidentified) — is refused unless `confirmPatientMismatch=true` with a typed `identityReason`; " +
      "the scan is then flagged (`identityFlag`) wherever it is shown, and the audit row holds both identities, the reason and the user. " +
      "Largest file: FUSION_UPLOAD_LIMIT_BYTES (512 MiB by default).",
    parameters: [patientId],
    requestBody: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: ref("ScanUpload"),
          encoding: { file: { contentType: "application/dicom, image/png, image/jpeg, application/octet-stream" } },
        },
      },
    },
    responses: {
      "201": jsonResponse("Stored; its assessment is queued.", "UploadResult", {
        Location: header("/api/scans/{scanId}/file"),
        "Server-Timing": header("receive, inspect and store durations (ms)"),
      }),
      "200": jsonResponse("The same file was already stored for this patient; nothing new was stored.", "UploadResult", {
        "Server-Timing": header("receive, inspect and store durations (ms)"),
      }),
    },
    errors: [
      uuidPathErrors,
      {
        400: {
          codes: ["validation_failed", "empty_file", "file_missing", "unexpected_file_field", "too_many_files", "field_too_long", "malformed_multipart", "not_dicom", "truncated", "frame_out_of_range"],
          note: "validation_failed for a bad form field (or a PNG/JPEG without `modality`); the others for an unreadable body or file.",
        },
        404: ["not_found"],
        409: { codes: ["patient_mismatch", "patient_unidentified"], note: "`details` holds `flag` (other_patient / unidentified), the DICOM and the record identities." },
        413: { codes: ["file_too_large", "deflate_too_large", "image_too_large"], note: "image_too_large: the size the header declares (per side, or rows × columns × frames × samples × bytes) is over the image limits, checked before decoding." },
        415: ["unsupported_media_type", "content_mismatch", "unsupported_transfer_syntax", "unsupported_pixel_format", "unsupported_image"],
        422: ["no_pixel_data", "decode_failed", "decode_timeout", "too_many_elements"],
      },
      rateLimited("uploads", "FUSION_UPLOAD_LIMIT_PER_MINUTE", 30),
      modelUnavailable,
      decoderBusy,
    ],
  },
  "POST /api/patients/[id]/assessments": {
    operationId: "requestAssessment",
    tag: "Assessments",
    summary: "Re-assess on demand",
    description:
      "`{ \"scanId\": \"…\" }` assesses that scan of this patient with the record; `{}` or `{ \"scanId\": null }` the record alone (tabular path, flagged `no_image`). A new queued assessment; poll it or watch the events stream. " +
      "When an automatic re-assessment after a record change is still waiting for its debounce (FUSION_REASSESS_DEBOUNCE_SECONDS), that one is brought forward instead.",
    parameters: [patientId],
    requestBody: jsonBody("ReassessInput"),
    responses: { "202": jsonResponse("Queued.", "ReassessResult") },
    errors: [
      uuidPathErrors,
      jsonBodyErrors,
      { 404: { codes: ["not_found"], note: "No such patient, or the scan is not this patient's." }, 409: { codes: ["scan_entered_in_error"], note: "The scan was entered in error." } },
      rateLimited("re-assessments", "FUSION_REASSESS_LIMIT_PER_MINUTE", 20),
      modelUnavailable,
    ],
  },
  "POST /api/scans/[id]/entered-in-error": {
    operationId: "markScanEnteredInError",
    tag: "Scans",
    summary: "Mark a scan as entered in error",
    description:
      "`{ \"reason\": \"…\" }` (5–500 characters). In one transaction: the scan is flagged (who, when, why; nothing is deleted), every assessment that used it is marked superseded, " +
      "the patient is re-assessed on the latest scan still in force (else the record alone), and the audit row is written. The scan then leaves the record's working views, new assessments and research exports; the audit trail and /admin/entered-in-error keep it.",
    parameters: [scanId],
    requestBody: jsonBody("EnteredInErrorInput"),
    responses: { "200": jsonResponse("Marked; the re-assessment is queued (null while no model is registered).", "ScanEnteredInErrorResult") },
    errors: [uuidPathErrors, jsonBodyErrors, { 404: ["not_found"], 409: { codes: ["already_entered_in_error"], note: "The scan was already entered in error." } }],
  },
  "POST /api/assessments/[id]/entered-in-error": {
    operationId: "markAssessmentEnteredInError",
    tag: "Assessments",
    summary: "Mark an assessment as entered in error",
    description: "`{ \"reason\": \"…\" }` (5–500 characters). The assessment is kept (who, when, why) but leaves the record's working views, the patient list and research exports; audited.",
    parameters: [uuidPath("id", "assessment")],
    requestBody: jsonBody("EnteredInErrorInput"),
    responses: { "200": jsonResponse("Marked.", "AssessmentEnteredInErrorResult") },
    errors: [uuidPathErrors, jsonBodyErrors, { 404: ["not_found"], 409: { codes: ["already_entered_in_error"], note: "The assessment was already entered in error." } }],
  },
  "GET /api/patients/[id]/events": {
    operationId: "watchAssessments",
    tag: "Assessments",
    summary: "Live assessment status (server-sent events)",
    description: "A text/event-stream of the status of this patient's recent assessments (queued → running → done / failed), pushed when the worker reports a change and checked every second otherwise. Opening the stream is audited.",
    parameters: [patientId],
    responses: {
      "200": {
        description:
          "The event stream; it stays open until the client leaves. `event: assessments` carries, whenever it changes, a JSON array of the 20 most recent assessments: " +
          "`[{ id, scanId, status, error, completedAt }]` (assessments in force: not entered in error or superseded); `event: record` carries `{ recordVersion }` whenever the record changes (any tab, any user, a FHIR import); `event: error` carries `{ message }`; a comment line every 15 s keeps the connection alive; `retry: 2000`.",
        content: { "text/event-stream": { schema: { type: "string" } } },
      },
    },
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },
  "GET /api/scans/[id]/file": {
    operationId: "getScanFile",
    tag: "Scans",
    summary: "The stored scan bytes",
    description: "Exactly the bytes uploaded (DICOM Part 10, PNG or JPEG), streamed from the scan-file store. With `for=display` (the viewer), a Deflated Explicit VR Little Endian file is served inflated as Explicit VR Little Endian (same header, same pixels), which browser DICOM decoders read; any other file as stored. Never cached by shared caches; every read is audited. A file missing from the store (a misconfigured FUSION_SCAN_STORE_DIR, a lost disk) is a 500 with error.code `scan_file_missing`.",
    parameters: [
      scanId,
      { name: "for", in: "query", required: false, description: "`stored` (default): the uploaded bytes; `display`: bytes the browser viewer can decode.", schema: { type: "string", enum: ["stored", "display"], default: "stored" } },
    ],
    responses: {
      "200": {
        description: "The file.",
        headers: { ETag: header("the file's SHA-256, quoted"), "Content-Disposition": header('inline; filename="scan-{id}.{dcm|png|jpeg}"') },
        content: { "application/dicom": { schema: binary }, "image/png": { schema: binary }, "image/jpeg": { schema: binary } },
      },
    },
    errors: [uuidPathErrors, { 400: ["validation_failed"], 404: ["not_found"], 422: ["dicom_unreadable"] }],
  },
  "GET /api/scans/[id]/tags": {
    operationId: "getScanTags",
    tag: "Scans",
    summary: "The DICOM header as a flat tag list",
    description: "Binary and long values are summarised. PNG and JPEG scans have no tags (an empty list).",
    parameters: [scanId],
    responses: { "200": jsonResponse("The tags.", "ScanTags") },
    errors: [uuidPathErrors, { 404: ["not_found"], 422: ["dicom_unreadable"] }, decoderBusy],
  },
  "GET /api/scans/[id]/measurements": {
    operationId: "listScanMeasurements",
    tag: "Scans",
    summary: "The scan's saved measurements",
    description:
      "What clinicians drew with the viewer's reading tools (length, angle, elliptical / rectangular ROI, probe) and kept, oldest first, with author and time; deleted ones are left out. " +
      "Points are patient coordinates (mm); stats hold what the tool computed (length in mm, angle in degrees, ROI mean / SD / min / max in modality units such as HU and area). `mine` says whether the signed-in user may delete it. Audited.",
    parameters: [scanId],
    responses: { "200": jsonResponse("The measurements.", "MeasurementList") },
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },
  "POST /api/scans/[id]/measurements": {
    operationId: "createScanMeasurement",
    tag: "Scans",
    summary: "Save a measurement drawn on the scan",
    description:
      "One finished annotation: `toolType` (length, angle, ellipticalRoi, rectangleRoi, probe), its `frameIndex` (0-based) and SOP Instance UID, `geometry.points` in patient coordinates (2, 3, 4, 4 or 1 points by tool), `stats` by tool and an optional `label`. " +
      "Stored with the signed-in clinician as author and audited, in one transaction.",
    parameters: [scanId],
    requestBody: jsonBody("MeasurementCreate"),
    responses: { "201": jsonResponse("Saved.", "Measurement", { Location: header("/api/scans/{scanId}/measurements/{measurementId}") }) },
    errors: [
      uuidPathErrors,
      jsonBodyErrors,
      { 404: ["not_found"], 409: { codes: ["scan_entered_in_error", "frame_out_of_range"], note: "The scan was entered in error, or has no such frame." } },
    ],
  },
  "DELETE /api/scans/[id]/measurements/[mid]": {
    operationId: "deleteScanMeasurement",
    tag: "Scans",
    summary: "Delete a saved measurement (its author only)",
    description: "The measurement leaves the list (kept with who deleted it and when); audited. Only the clinician who drew it may delete it.",
    parameters: [scanId, uuidPath("mid", "measurement")],
    responses: { "200": jsonResponse("Deleted.", "MeasurementDeleted") },
    errors: [uuidPathErrors, { 403: { codes: ["forbidden"], note: "Someone else drew this measurement." }, 404: ["not_found"] }],
  },
  "GET /api/scans/[id]/preview": {
    operationId: "getScanPreview",
    tag: "Scans",
    summary: "A display-ready preview image",
    description: "The first frame of a DICOM scan in the viewer's default window (the header's Window Center/Width when sane, else CT soft tissue 400/40, else a robust range of the frame's values; headers X-Window-Center / X-Window-Width), MONOCHROME1 shown inverted, at most 512 px (`size`), as PNG; PNG and JPEG scans are returned as stored.",
    parameters: [scanId],
    responses: {
      "200": { description: "The preview.", content: { "image/png": { schema: binary }, "image/jpeg": { schema: binary } } },
    },
    errors: [uuidPathErrors, { 404: ["not_found"], 422: ["dicom_undecodable"] }, decoderBusy],
  },
  "GET /api/assessments/[id]": {
    operationId: "getAssessment",
    tag: "Assessments",
    summary: "One assessment: status, scores, explanation",
    description: "Calibrated probability, interval and category per outcome, modality contributions, top feature attributions and the Grad-CAM saliency map. Research use only — not for diagnosis.",
    parameters: [uuidPath("id", "assessment")],
    responses: { "200": jsonResponse("The assessment.", "AssessmentDetail") },
    errors: [uuidPathErrors, { 404: ["not_found"] }],
  },
  "GET /api/assessments/[id]/narrative": {
    operationId: "getAssessmentNarrative",
    tag: "Assessments",
    summary: "A finished assessment in plain words",
    description:
      "Written deterministically from the stored assessment (lib/narrative, no language model): per outcome the risk, its uncertainty interval, the category and what it means, the strongest record factors and the image's share; where the saliency concentrates; every flag; the model version; the research-use notice. In the user's interface language (`lang`: their saved choice, else the `fcds_locale` cookie, else Accept-Language, else `en`). One section per paragraph, and the whole text. Audited. Research use only — not for diagnosis.",
    parameters: [uuidPath("id", "assessment")],
    responses: { "200": jsonResponse("The assessment in words.", "AssessmentNarrative") },
    errors: [uuidPathErrors, { 404: ["not_found"], 409: ["assessment_not_done", "assessment_unreadable"] }],
  },
};
