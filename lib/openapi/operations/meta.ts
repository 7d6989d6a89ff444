import { header, jsonResponse, type Operations } from "../operation";

/** Public endpoints about the service itself. */
export const metaOperations: Operations = {
  "GET /api/health": {
    operationId: "getHealth",
    tag: "Service",
    summary: "Liveness and what this instance runs on",
    description: "Anyone gets the status, the database kind and the model in use; a signed-in admin also gets software versions and database errors.",
    responses: {
      "200": jsonResponse("Healthy.", "Health"),
      "503": jsonResponse("Degraded: the database cannot be reached (same body, status `degraded`).", "Health"),
    },
  },
  "GET /api/openapi.json": {
    operationId: "getOpenApiDocument",
    tag: "Service",
    summary: "This OpenAPI document",
    description: "Generated from the zod schemas the handlers validate with and from the route table; holds no patient data.",
    responses: {
      "200": {
        description: "The OpenAPI 3.1 document.",
        headers: { ETag: header("changes when the document does"), "Cache-Control": header("public, max-age=300") },
        content: { "application/json": { schema: { type: "object" } } },
      },
      "304": { description: "Not modified (If-None-Match matched the ETag)." },
    },
  },
};
