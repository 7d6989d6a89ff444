import { header, jsonResponse, stringPath, type Operations } from "../operation";

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
};
