import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validate } from "@readme/openapi-parser";
import pkg from "@/package.json";
import { mfaEnrolmentAllowed, routeTable, type HttpMethod, type Rule } from "@/lib/auth/route-table";
import { permissions } from "@/lib/auth/permissions";
import { NOTICE, buildOpenApiDocument, coverageProblems, openApiPath, operations } from "./document";
import { requestSchemas } from "./components";

const doc = buildOpenApiDocument();
type Op = {
  operationId: string;
  security: Record<string, string[]>[];
  "x-required-permission": Rule;
  "x-allowed-roles"?: string[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, unknown>; "x-error-codes"?: string[] }>;
  description: string;
};
const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op: op as unknown as Op })),
);
const tableEntries = Object.entries(routeTable).flatMap(([path, methods]) => Object.entries(methods).map(([method, rule]) => ({ path, method, rule: rule as Rule })));
const mutating = (m: string) => ["POST", "PUT", "PATCH", "DELETE"].includes(m);

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 (@readme/openapi-parser)", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const r = await validate(structuredClone(doc) as never);
    expect(r.valid, JSON.stringify(r)).toBe(true);
  });

  it("the validator really checks: a broken copy is refused", async () => {
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { parameters?: unknown[] }>> };
    delete broken.paths["/api/patients/{id}"].get.parameters; // a path template without its parameter
    expect((await validate(broken as never)).valid).toBe(false);
    const noResponses = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { responses?: unknown }>> };
    noResponses.paths["/api/health"].get.responses = { "200": {} }; // a response without its description
    expect((await validate(noResponses as never)).valid).toBe(false);
  });

  it("describes every route × method of the route table, and nothing else", () => {
    const fromTable = tableEntries.map((e) => `${e.method} ${openApiPath(e.path)}`).sort();
    const fromDoc = ops.map((o) => `${o.method} ${o.path}`).sort();
    expect(fromDoc).toEqual(fromTable);
    expect(fromDoc).toContain("GET /api/openapi.json");
    expect(coverageProblems()).toEqual([]);
  });

  it("names a route without a description, and a description without a route", () => {
    const table = { ...routeTable, "/api/new-thing": { GET: "patient:read" as const } };
    expect(coverageProblems(table)).toEqual(["GET /api/new-thing has no OpenAPI operation (add it under lib/openapi/operations/)"]);
    const fewer = { ...operations };
    delete fewer["GET /api/models"];
    expect(coverageProblems(routeTable, fewer)).toEqual(["GET /api/models has no OpenAPI operation (add it under lib/openapi/operations/)"]);
    expect(coverageProblems(routeTable, { ...operations, "PUT /api/models": operations["GET /api/models"] })).toEqual([
      "PUT /api/models is described but not in lib/auth/route-table.ts",
    ]);
  });

  it("each operation carries its route-table permission, the roles that hold it and the right security", () => {
    for (const e of tableEntries) {
      const op = ops.find((o) => o.path === openApiPath(e.path) && o.method === e.method)!.op;
      const where = `${e.method} ${e.path}`;
      expect(op["x-required-permission"], where).toBe(e.rule);
      if (e.rule === "public") {
        expect(op.security, where).toEqual([]);
        expect(op.description, where).toContain("Public: no session needed.");
        continue;
      }
      if (e.rule === "ehr-jwt") {
        expect(op.security, where).toEqual([{ ehrJwt: [] }]);
        expect(op["x-allowed-roles"], where).toBeUndefined();
        expect(op.responses["401"]?.["x-error-codes"], where).toEqual(["unauthenticated"]);
        continue;
      }
      const roles = [...permissions[e.rule]];
      expect(op["x-allowed-roles"], where).toEqual(roles);
      expect(op.security, where).toEqual([mutating(e.method) ? { sessionCookie: roles, csrfHeader: [], csrfCookie: [] } : { sessionCookie: roles }]);
      expect(op.description, where).toContain(`Requires the \`${e.rule}\` permission`);
      expect(op.responses["401"]?.["x-error-codes"], where).toEqual(["unauthenticated"]);
      const enrolment = mfaEnrolmentAllowed.has(`${e.method} ${e.path}`) ? [] : ["mfa_enrolment_required"];
      expect(op.responses["403"]?.["x-error-codes"], where).toEqual(["forbidden", ...enrolment, ...(mutating(e.method) ? ["csrf_failed"] : [])]);
    }
  });

  it("every 4xx is the error envelope, and every operation can answer 500 internal_error", () => {
    // PS3.18 §10.5.3: STOW-RS answers 409 with its Store Instances Response (DICOM JSON) when no instance was stored
    const dicomweb409 = new Set(["POST /dicomweb/studies 409", "POST /dicomweb/studies/{study} 409"]);
    for (const { path, method, op } of ops) {
      expect(op.responses["500"]?.["x-error-codes"], `${method} ${path}`).toEqual(["internal_error"]);
      for (const [status, r] of Object.entries(op.responses))
        if (Number(status) >= 400 && Number(status) < 500 && !dicomweb409.has(`${method} ${path} ${status}`)) expect(r["x-error-codes"]?.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
      // the FHIR API answers errors as OperationOutcome; everything else as the JSON envelope
      const envelope = path.startsWith("/fhir/")
        ? { "application/fhir+json": { schema: { $ref: "#/components/schemas/OperationOutcome" } } }
        : { "application/json": { schema: { $ref: "#/components/schemas/ErrorBody" } } };
      for (const [status, r] of Object.entries(op.responses))
        if (r["x-error-codes"]) expect(r.content, `${method} ${path} ${status}`).toEqual(envelope);
    }
  });

  it("describes the real security mechanism: the cookie and header names lib/auth uses", async () => {
    const { SESSION_COOKIE, CSRF_COOKIE, CSRF_HEADER } = await import("@/lib/auth/constants");
    const s = doc.components.securitySchemes;
    expect(s.sessionCookie).toMatchObject({ type: "apiKey", in: "cookie", name: SESSION_COOKIE });
    expect(s.csrfCookie).toMatchObject({ type: "apiKey", in: "cookie", name: CSRF_COOKIE });
    expect(s.csrfHeader.name.toLowerCase()).toBe(CSRF_HEADER);
    expect(s.ehrJwt).toMatchObject({ type: "http", scheme: "bearer", bearerFormat: "JWT" });
  });

  it("info: title, the package version and the research-use notice", () => {
    expect(doc.info.title).toBe("Fusion CDS API");
    expect(doc.info.version).toBe(pkg.version);
    expect(String(doc.info.description)).toContain(NOTICE);
    expect(NOTICE).toBe("Research use only — not for diagnosis.");
  });

  it("JSON request bodies name the schema their handler parses with", () => {
    for (const e of tableEntries) {
      const op = ops.find((o) => o.path === openApiPath(e.path) && o.method === e.method)!.op;
      const ref = op.requestBody?.content["application/json"]?.schema.$ref;
      if (!ref) continue;
      const name = ref.split("/").pop()!;
      expect(Object.keys(requestSchemas), `${e.method} ${e.path}`).toContain(name);
      const src = readFileSync(join(process.cwd(), "app", e.path, "route.ts"), "utf8");
      expect(src, `app${e.path}/route.ts should parse with ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it("query parameters come from the schemas the handlers parse with", () => {
    const names = (method: HttpMethod, path: string) =>
      (ops.find((o) => o.method === method && o.path === path)!.op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name).sort();
    expect(names("GET", "/api/patients")).toEqual(["page", "pageSize", "q", "sort"]);
    const exportParams = names("GET", "/api/export");
    for (const k of ["format", "columns", "after", "limit", "header", "condition", "familyHistory", "ageMin", "ageMax", "sex", "modality", "from", "to", "model", "modelVersion", "strategy"])
      expect(exportParams).toContain(k);
    expect(names("GET", "/api/export/dictionary")).toEqual([...exportParams, "as"].sort());
    expect(names("GET", "/api/admin/audit")).toContain("outcome");
  });

  it("the streamed export answers CSV, Parquet or NDJSON; deletes answer 204; the upload 201 or 200", () => {
    const op = (m: string, p: string) => ops.find((o) => o.method === m && o.path === p)!.op;
    expect(Object.keys(op("GET", "/api/export").responses["200"].content!)).toEqual(["text/csv", "application/vnd.apache.parquet", "application/x-ndjson"]);
    for (const p of ["/api/patients/{id}/conditions/{entryId}", "/api/patients/{id}/family-history/{entryId}", "/api/patients/{id}/diet/{entryId}"])
      expect(op("DELETE", p).responses["204"]).toBeDefined();
    const upload = op("POST", "/api/patients/{id}/scans");
    expect(Object.keys(upload.requestBody!.content)).toEqual(["multipart/form-data"]);
    expect(upload.responses["201"]).toBeDefined();
    expect(upload.responses["200"]).toBeDefined();
  });
});
