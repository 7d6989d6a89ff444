import { jsonBodyErrors } from "../errors";
import { header, jsonBody, jsonResponse, stringPath, uuidPath, type Operations } from "../operation";

const segment = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$" };
const name = stringPath("name", "Model name, e.g. fusion-demo.", segment);
const version = stringPath("version", "Model version, e.g. 1.1.0.", segment);

/** Model versions and their cards (no patient data). */
export const modelOperations: Operations = {
  "GET /api/models": {
    operationId: "listModels",
    tag: "Models",
    summary: "Model versions",
    description: "The database registry, the committed bundles and any version an assessment refers to, merged.",
    responses: { "200": jsonResponse("The model versions.", "ModelList") },
  },
  "GET /api/models/[name]/[version]": {
    operationId: "getModel",
    tag: "Models",
    summary: "One model version: card, metrics, report",
    parameters: [name, version],
    responses: { "200": jsonResponse("The model version.", "ModelDetail") },
    errors: [{ 400: { codes: ["validation_failed"], note: "A name or version with characters outside the pattern." }, 404: ["not_found"] }],
  },
  "GET /api/models/[name]/[version]/plots/[file]": {
    operationId: "getModelPlot",
    tag: "Models",
    summary: "A ROC or calibration plot of a model version",
    description: "Generated SVG (or PNG), served inert: a Content-Security-Policy without scripts or fetches.",
    parameters: [name, version, stringPath("file", "Plot file name, as listed in the model's `plots`.", { type: "string", pattern: "^[A-Za-z0-9._-]+\\.(svg|png)$" })],
    responses: {
      "200": {
        description: "The plot.",
        headers: { "Content-Security-Policy": header("default-src 'none'; style-src 'unsafe-inline'; sandbox") },
        content: { "image/svg+xml": { schema: { type: "string" } }, "image/png": { schema: { type: "string", contentMediaType: "image/png" } } },
      },
    },
    errors: [{ 404: ["not_found"] }],
  },
  "POST /api/models/[name]/[version]/status": {
    operationId: "changeModelStatus",
    tag: "Models",
    summary: "Move a version through the registry (admins)",
    description:
      "`shadow` (a servable candidate scores new assessments silently), `activate` (the previous active version is retired; exactly one active per name), " +
      "`retire`, `rollback` (on the active version: it is retired and the version it replaced is active again). A typed reason is required; audited in the same transaction.",
    parameters: [name, version],
    requestBody: jsonBody("ModelStatusChange"),
    responses: { "200": jsonResponse("The version's new status and the active version of its name.", "ModelStatusResult") },
    errors: [jsonBodyErrors, { 404: ["not_found"], 409: { codes: ["invalid_transition", "not_servable", "no_previous_version"], note: "The step is not allowed from the version's status." } }],
  },
  "GET /api/training/snapshots": {
    operationId: "listTrainingSnapshots",
    tag: "Models",
    summary: "Training snapshots built from the database",
    responses: { "200": jsonResponse("The newest 50 snapshots.", "TrainingSnapshotList") },
  },
  "POST /api/training/snapshots": {
    operationId: "buildTrainingSnapshot",
    tag: "Models",
    summary: "Build a de-identified training snapshot",
    description:
      "One row per patient as of the index date: the research export's columns and Parquet writer, outcome labels (lib/outcomes) and the model's preprocessed image input. " +
      "Identified by its SHA-256: the same data give the same file (200 with the existing snapshot). Cohorts under the small-cell threshold are refused (422). Audited.",
    requestBody: jsonBody("SnapshotCreate"),
    responses: { "201": jsonResponse("The new snapshot.", "TrainingSnapshot"), "200": jsonResponse("The same snapshot already existed.", "TrainingSnapshot") },
    errors: [jsonBodyErrors, { 422: ["cohort_too_small"], 503: ["export_not_configured"] }],
  },
  "GET /api/training/jobs": {
    operationId: "listTrainingJobs",
    tag: "Models",
    summary: "Training jobs",
    responses: { "200": jsonResponse("The newest 50 jobs.", "TrainingJobList") },
  },
  "POST /api/training/jobs": {
    operationId: "startTraining",
    tag: "Models",
    summary: "Start training a candidate from a snapshot",
    description: "Queued on the job queue (any worker takes it); the finished job registers a candidate version. `tiny` trains a small configuration in seconds (tests, demos). Audited.",
    requestBody: jsonBody("TrainingStart"),
    responses: { "201": jsonResponse("The queued job.", "TrainingJob") },
    errors: [jsonBodyErrors, { 404: ["not_found"] }],
  },
  "GET /api/training/jobs/[id]": {
    operationId: "getTrainingJob",
    tag: "Models",
    summary: "A training job's status and progress (epoch, loss, ETA)",
    parameters: [uuidPath("id", "training job")],
    responses: { "200": jsonResponse("The job.", "TrainingJob") },
    errors: [{ 400: ["validation_failed"], 404: ["not_found"] }],
  },
  "POST /api/training/jobs/[id]/cancel": {
    operationId: "cancelTraining",
    tag: "Models",
    summary: "Cancel a training job",
    description: "A queued job ends at once; a running one stops between batches and leaves no files. Audited.",
    parameters: [uuidPath("id", "training job")],
    responses: { "200": jsonResponse("The job.", "TrainingJob") },
    errors: [{ 400: ["validation_failed"], 404: ["not_found"], 409: ["training_ended"] }],
  },
};
