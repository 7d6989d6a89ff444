// The OpenAPI document against the real handlers on a real PostgreSQL database: every answer's
// status must be one the document lists for that operation, an error must carry one of the codes
// it lists, the content type must be one it lists, and a JSON body must validate (ajv, JSON Schema
// 2020-12) against the schema it names. A handler that drifts from its description fails here.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { buildOpenApiDocument, openApiPath } from "@/lib/openapi/document";
import { componentValidator } from "../support/openapi-ajv";
import { createTestDatabase, type TestDatabase } from "../support/pg-database";
import type * as Fixtures from "../support/auth-fixtures";
import { seedFixture, type Fixture } from "../export/fixture";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: unknown) => Promise<Response>;
type ResponseDoc = { content?: Record<string, { schema?: { $ref?: string } }>; "x-error-codes"?: string[] };
const doc = buildOpenApiDocument();
const schemaValidator = componentValidator(doc.components.schemas as never);

let tdb: TestDatabase;
let db: PrismaClient;
let af: typeof Fixtures;
let fx: Fixture;
const cred = {} as Record<Role, Fixtures.Cred>;
const users = {} as Record<Role, Fixtures.TestUser>;
const checked: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase("openapi_contract");
  process.env.DATABASE_URL = tdb.url;
  // an export secret of its own, so the export routes do not make one in ./data (lib/export/secret.ts)
  process.env.FUSION_EXPORT_SECRET ??= "contract-export-secret-xxxxxxxxxxxxxxxxx";
  db = await (await import("@/lib/db/client")).prisma();
  af = await import("../support/auth-fixtures");
  for (const role of ["clinician", "researcher", "admin"] as Role[]) {
    users[role] = await af.makeUser(db, role, `contract.${role}`);
    cred[role] = await af.sessionFor(db, users[role].id);
  }
  fx = await seedFixture(db, { n: 6 });
  // the whole 6-patient fixture is exportable, a one-patient filter is not (422 cohort_too_small)
  process.env.FUSION_MIN_CELL_SIZE = "5";
});

afterAll(async () => {
  delete process.env.FUSION_MIN_CELL_SIZE;
  console.log(`[openapi contract] ${checked.length} answers checked against the document: ${[...new Set(checked)].length} distinct operation × status`);
  await (await import("@/lib/export/source")).closeExportPools();
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await tdb?.drop();
});

/** Calls the real handler of `appPath` (route-table form) and checks its answer against the document. */
async function call(
  method: string,
  appPath: string,
  opts: { params?: Record<string, string>; query?: string; who?: Role | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; res: Response }> {
  const mod = (await import(/* @vite-ignore */ `@/app${appPath}/route`)) as Record<string, Handler>;
  const params = opts.params ?? {};
  const url = appPath.replace(/\[([^\]]+)\]/g, (_m, k: string) => params[k]) + (opts.query ? `?${opts.query}` : "");
  const who = opts.who === undefined ? "clinician" : opts.who;
  // as auth-fixtures' apiRequest, except that opts.headers come last (to forge a token or a content type)
  const c = who ? cred[who] : null;
  const headers: Record<string, string> = {
    host: "localhost:3000",
    ...(c ? { cookie: c.cookie } : {}),
    ...(c && !["GET", "HEAD"].includes(method) ? { "x-csrf-token": c.csrf, origin: af.ORIGIN } : {}),
    ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
    ...opts.headers,
  };
  const sent = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  const req = new Request(`${af.ORIGIN}${url}`, { method, headers, body: sent });
  const res = await mod[method](req, af.ctx(params));
  const where = `${method} ${appPath} → ${res.status}`;
  const op = (doc.paths[openApiPath(appPath)] as Record<string, { responses: Record<string, ResponseDoc> }>)[method.toLowerCase()];
  const documented = op.responses[String(res.status)];
  const raw = Buffer.from(await res.clone().arrayBuffer());
  expect(documented, `${where} is not in the document (body: ${raw.toString("utf8").slice(0, 300)})`).toBeDefined();
  checked.push(`${method} ${appPath} ${res.status}`);
  const ct = (res.headers.get("content-type") ?? "").split(";")[0].trim();
  let body: unknown = null;
  if (!documented.content) {
    expect(raw.byteLength, `${where}: the document promises no body`).toBe(0);
    return { status: res.status, body, res };
  }
  expect(Object.keys(documented.content), `${where}: content type ${ct}`).toContain(ct);
  if (/[/+]json$/.test(ct)) {
    body = JSON.parse(raw.toString("utf8"));
    const ref = documented.content[ct].schema?.$ref;
    if (ref) {
      const v = schemaValidator(ref.split("/").pop()!);
      expect(v(body), `${where}: body does not match ${ref}: ${JSON.stringify(v.errors?.slice(0, 3))}`).toBe(true);
    }
    // FHIR errors are OperationOutcome (validated against its schema above), not the error envelope
    if (documented["x-error-codes"] && ct !== "application/fhir+json") expect(documented["x-error-codes"], `${where}: error code`).toContain((body as { error: { code: string } }).error.code);
  }
  return { status: res.status, body, res };
}

const patient = { mrn: "CONTRACT-1", givenName: "Ada", familyName: "Lovelace", birthDate: "1960-12-10", sex: "female" };
const diet = {
  recordedOn: "2024-03-01", method: "recall_24h", energyKcal: 2100, sodiumMg: 3200, sugarsG: 70,
  saturatedFatG: 28, fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5,
};
const missing = "0b7c9a4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d";

describe("patient record operations answer as documented", () => {
  let id: string;
  it("create, read, search, change a patient; the errors on the way", async () => {
    const created = await call("POST", "/api/patients", { body: patient });
    expect(created.status).toBe(201);
    id = (created.body as { id: string }).id;
    expect((await call("POST", "/api/patients", { body: patient })).status).toBe(409);
    expect((await call("POST", "/api/patients", { body: { ...patient, mrn: "CONTRACT-2", birthDate: "2001-02-30" } })).status).toBe(400);
    expect((await call("POST", "/api/patients", { body: "not json", headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await call("GET", "/api/patients", { query: "q=lovelace&sort=-risk&pageSize=5" })).status).toBe(200);
    expect((await call("GET", "/api/patients", { query: "pageSize=500" })).status).toBe(400);
    expect((await call("GET", "/api/patients/[id]", { params: { id } })).status).toBe(200);
    expect((await call("GET", "/api/patients/[id]", { params: { id: fx.patients[0].id } })).status).toBe(200);
    expect((await call("GET", "/api/patients/[id]", { params: { id: missing } })).status).toBe(404);
    expect((await call("GET", "/api/patients/[id]", { params: { id: "42" } })).status).toBe(400);
    expect((await call("PATCH", "/api/patients/[id]", { params: { id }, body: { familyName: "King" } })).status).toBe(200);
  });

  it("history, family history and diet entries", async () => {
    const c = await call("POST", "/api/patients/[id]/conditions", { params: { id }, body: { code: "e11.9", display: "Type 2 diabetes", onsetDate: "2010-05-01" } });
    expect(c.status).toBe(201);
    const entryId = (c.body as { id: string }).id;
    expect((await call("PATCH", "/api/patients/[id]/conditions/[entryId]", { params: { id, entryId }, body: { status: "resolved" } })).status).toBe(200);
    expect((await call("PATCH", "/api/patients/[id]/conditions/[entryId]", { params: { id, entryId }, body: {} })).status).toBe(400);
    expect((await call("DELETE", "/api/patients/[id]/conditions/[entryId]", { params: { id, entryId } })).status).toBe(204);
    expect((await call("DELETE", "/api/patients/[id]/conditions/[entryId]", { params: { id, entryId } })).status).toBe(404);
    const f = await call("POST", "/api/patients/[id]/family-history", { params: { id }, body: { relationship: "father", code: "I21.9", display: "MI", ageAtOnset: 52 } });
    expect(f.status).toBe(201);
    const fId = (f.body as { id: string }).id;
    expect((await call("PATCH", "/api/patients/[id]/family-history/[entryId]", { params: { id, entryId: fId }, body: { deceased: true } })).status).toBe(200);
    expect((await call("PATCH", "/api/patients/[id]/family-history/[entryId]", { params: { id, entryId: fId }, body: { mood: "sad" } })).status).toBe(400);
    expect((await call("PATCH", "/api/patients/[id]/family-history/[entryId]", { params: { id, entryId: missing }, body: { deceased: true } })).status).toBe(404);
    expect((await call("DELETE", "/api/patients/[id]/family-history/[entryId]", { params: { id, entryId: fId } })).status).toBe(204);
    const d = await call("POST", "/api/patients/[id]/diet", { params: { id }, body: diet });
    expect(d.status).toBe(201);
    expect((await call("POST", "/api/patients/[id]/diet", { params: { id }, body: { ...diet, sodiumMg: -1 } })).status).toBe(400);
    const dId = (d.body as { id: string }).id;
    expect((await call("PATCH", "/api/patients/[id]/diet/[entryId]", { params: { id, entryId: dId }, body: { sodiumMg: 1800, note: null } })).status).toBe(200);
    expect((await call("PATCH", "/api/patients/[id]/diet/[entryId]", { params: { id, entryId: dId }, body: { sodiumMg: -1 } })).status).toBe(400);
    expect((await call("PATCH", "/api/patients/[id]/diet/[entryId]", { params: { id, entryId: missing }, body: { sodiumMg: 1 } })).status).toBe(404);
    expect((await call("DELETE", "/api/patients/[id]/diet/[entryId]", { params: { id, entryId: dId } })).status).toBe(204);
    expect((await call("GET", "/api/patients/[id]", { params: { id } })).status).toBe(200);
  });

  it("an assessment, the wrapper's refusals", async () => {
    expect((await call("GET", "/api/assessments/[id]", { params: { id: fx.assessments[0].id } })).status).toBe(200);
    expect((await call("GET", "/api/assessments/[id]", { params: { id: missing } })).status).toBe(404);
    // the fixture's rows hold no explanation the schema reads: the narrative says so (409), as documented
    expect((await call("GET", "/api/assessments/[id]/narrative", { params: { id: fx.assessments[0].id } })).status).toBe(409);
    expect((await call("GET", "/api/assessments/[id]/narrative", { params: { id: missing } })).status).toBe(404);
    expect((await call("GET", "/api/patients", { who: null })).status).toBe(401);
    expect((await call("GET", "/api/patients", { who: "researcher" })).status).toBe(403);
    // a mutation whose CSRF token is not the session's
    const forged = await call("POST", "/api/patients", { body: { ...patient, mrn: "CONTRACT-3" }, headers: { "x-csrf-token": "forged" } });
    expect(forged.status).toBe(403);
    expect((forged.body as { error: { code: string } }).error.code).toBe("csrf_failed");
  });

  it("saved measurements: create, list, refusals, delete", async () => {
    const scan = await db.scan.findFirstOrThrow({ where: { patientId: fx.patients[0].id } });
    const params = { id: scan.id };
    const length = { toolType: "length", frameIndex: 0, geometry: { points: [[0, 0, 0], [3, 4, 0]] }, stats: { length: 5, unit: "mm" } };
    const created = await call("POST", "/api/scans/[id]/measurements", { params, body: length });
    expect(created.status).toBe(201);
    const mid = (created.body as { id: string }).id;
    expect((await call("POST", "/api/scans/[id]/measurements", { params, body: { ...length, stats: {} } })).status).toBe(400);
    expect((await call("POST", "/api/scans/[id]/measurements", { params, body: { ...length, frameIndex: 99 } })).status).toBe(409);
    expect((await call("POST", "/api/scans/[id]/measurements", { params: { id: missing }, body: length })).status).toBe(404);
    expect((await call("GET", "/api/scans/[id]/measurements", { params })).status).toBe(200);
    expect((await call("GET", "/api/scans/[id]/measurements", { params: { id: "nope" } })).status).toBe(400);
    expect((await call("DELETE", "/api/scans/[id]/measurements/[mid]", { params: { ...params, mid: missing } })).status).toBe(404);
    expect((await call("DELETE", "/api/scans/[id]/measurements/[mid]", { params: { ...params, mid } })).status).toBe(200);
  });
});

describe("DICOMweb operations answer as documented", () => {
  it("PACS sources: add, list, issue a push token, refuse, remove", async () => {
    const created = await call("POST", "/api/admin/dicomweb-sources", { who: "admin", body: { name: "Contract PACS", baseUrl: "http://127.0.0.1:9/dicom-web", authType: "basic", username: "u", secret: "s3cret" } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await call("POST", "/api/admin/dicomweb-sources", { who: "admin", body: { name: "Contract PACS", baseUrl: "http://127.0.0.1:9/dicom-web" } })).status).toBe(409);
    expect((await call("POST", "/api/admin/dicomweb-sources", { who: "admin", body: { name: "x", baseUrl: "ftp://x", authType: "basic" } })).status).toBe(400);
    expect((await call("GET", "/api/admin/dicomweb-sources", { who: "admin" })).status).toBe(200);
    const token = await call("PATCH", "/api/admin/dicomweb-sources/[id]", { who: "admin", params: { id }, body: { pushToken: true } });
    expect((token.body as { pushToken: string }).pushToken).toMatch(/^fcds_push_/);
    expect((await call("PATCH", "/api/admin/dicomweb-sources/[id]", { who: "admin", params: { id: missing }, body: { enabled: false } })).status).toBe(404);
    // the PACS at port 9 does not exist: the clinician's query says so
    const down = await call("GET", "/api/patients/[id]/pacs/studies", { params: { id: fx.patients[0].id }, query: `source=${id}` });
    expect(down.status).toBe(502);
    expect((await call("GET", "/api/patients/[id]/pacs/studies", { params: { id: fx.patients[0].id } })).status).toBe(400);
    expect((await call("POST", "/api/patients/[id]/pacs/imports", { params: { id: fx.patients[0].id }, body: { sourceId: missing, studyInstanceUid: "1.2.3" } })).status).toBe(404);
    expect((await call("DELETE", "/api/admin/dicomweb-sources/[id]", { who: "admin", params: { id } })).status).toBe(204);
  });

  it("QIDO-RS, WADO-RS, STOW-RS and the SR report: answers and refusals", async () => {
    expect((await call("GET", "/dicomweb/studies", { query: "PatientID=NOBODY" })).status).toBe(200);
    expect((await call("GET", "/dicomweb/studies", { query: "PatientWeight=70" })).status).toBe(400);
    expect((await call("GET", "/dicomweb/studies/[study]/series", { params: { study: "1.2.3" } })).status).toBe(200);
    expect((await call("GET", "/dicomweb/studies/[study]/metadata", { params: { study: "1.2.3" } })).status).toBe(404);
    expect((await call("GET", "/dicomweb/studies/[study]/series/[series]/instances/[instance]/frames/[frames]", { params: { study: "1.2.3", series: "1.2.4", instance: "1.2.5", frames: "0" } })).status).toBe(400);
    expect((await call("POST", "/dicomweb/studies", { body: { not: "multipart" } })).status).toBe(415);
    // no model registered in this database: refused before the body is read (nothing could be assessed)
    const noModel = await call("POST", "/dicomweb/studies", { body: "--b--", headers: { "content-type": 'multipart/related; type="application/dicom"; boundary=b' } });
    expect(noModel.status).toBe(503);
    expect((await call("GET", "/api/assessments/[id]/report", { params: { id: missing } })).status).toBe(404);
  });
});

describe("sessions, models, export and administration answer as documented", () => {
  it("sign in, the session, a refused password change", async () => {
    const u = users.clinician;
    const ok = await call("POST", "/api/auth/login", { who: null, body: { username: u.username, password: u.password } });
    expect(ok.status).toBe(200);
    expect(ok.res.headers.get("set-cookie")).toContain("fcds_session=");
    expect((await call("POST", "/api/auth/login", { who: null, body: { username: u.username, password: "wrong-password" } })).status).toBe(401);
    expect((await call("POST", "/api/auth/login", { who: null, body: { username: "" } })).status).toBe(400);
    expect((await call("GET", "/api/auth/session")).status).toBe(200);
    expect((await call("POST", "/api/auth/password", { body: { currentPassword: "not-it", newPassword: "another-long-passphrase-2026" } })).status).toBe(400);
  });

  it("health and model cards", async () => {
    expect((await call("GET", "/api/health", { who: null })).status).toBe(200);
    expect((await call("GET", "/api/health", { who: "admin" })).status).toBe(200);
    const list = await call("GET", "/api/models", { who: "researcher" });
    expect(list.status).toBe(200);
    const m = (list.body as { items: { name: string; version: string; hasCard: boolean }[] }).items.find((x) => x.hasCard)!;
    expect(m, "a committed model bundle with a card").toBeDefined();
    const detail = await call("GET", "/api/models/[name]/[version]", { params: { name: m.name, version: m.version } });
    expect(detail.status).toBe(200);
    const plot = (detail.body as { plots: string[] }).plots[0];
    expect((await call("GET", "/api/models/[name]/[version]/plots/[file]", { params: { name: m.name, version: m.version, file: plot } })).status).toBe(200);
    expect((await call("GET", "/api/models/[name]/[version]", { params: { name: m.name, version: "0.0.0-none" } })).status).toBe(404);
  });

  it("research export: count, dictionary, the three file formats, a bad filter", async () => {
    const r = { who: "researcher" as const };
    expect((await call("GET", "/api/export/count", { ...r, query: "sex=female,male&ageMin=18" })).status).toBe(200);
    expect((await call("GET", "/api/export/dictionary", { ...r, query: "format=parquet" })).status).toBe(200);
    expect((await call("GET", "/api/export/dictionary", { ...r, query: "as=md" })).status).toBe(200);
    for (const format of ["csv", "parquet", "ndjson"]) expect((await call("GET", "/api/export", { ...r, query: `format=${format}&columns=scores` })).status).toBe(200);
    expect((await call("GET", "/api/export", { ...r, query: "format=xlsx" })).status).toBe(400);
    expect((await call("GET", "/api/export", { ...r, query: "sexx=female" })).status).toBe(400);
    // the fixture's one patient aged 90+: a small cell
    expect((await call("GET", "/api/export", { ...r, query: "ageMin=90" })).status).toBe(422);
    const small = await call("GET", "/api/export/count", { ...r, query: "ageMin=90" });
    expect(small.body).toMatchObject({ patients: "<5", exportable: false, models: [] });
  });

  it("users and the audit trail", async () => {
    const a = { who: "admin" as const };
    expect((await call("GET", "/api/admin/users", a)).status).toBe(200);
    const created = await call("POST", "/api/admin/users", { ...a, body: { username: "contract.new", displayName: "New", role: "researcher", password: "a-long-enough-passphrase-2026" } });
    expect(created.status).toBe(201);
    expect((await call("POST", "/api/admin/users", { ...a, body: { username: "contract.new", displayName: "New", role: "researcher", password: "a-long-enough-passphrase-2026" } })).status).toBe(409);
    const uid = (created.body as { user: { id: string } }).user.id;
    expect((await call("PATCH", "/api/admin/users/[id]", { ...a, params: { id: uid }, body: { disabled: true } })).status).toBe(200);
    expect((await call("PATCH", "/api/admin/users/[id]", { ...a, params: { id: users.admin.id }, body: { disabled: true } })).status).toBe(409);
    expect((await call("PATCH", "/api/admin/users/[id]", { ...a, params: { id: "nope" }, body: {} })).status).toBe(404);
    expect((await call("GET", "/api/admin/audit", { ...a, query: "action=patient.&pageSize=20" })).status).toBe(200);
    expect((await call("GET", "/api/admin/audit", { ...a, query: "outcome=maybe" })).status).toBe(400);
    expect((await call("GET", "/api/admin/audit/fhir", { ...a, query: "pageSize=5" })).status).toBe(200);
  });

  it("the document itself", async () => {
    expect((await call("GET", "/api/openapi.json", { who: null })).status).toBe(200);
  });

  it("trusted EHRs (CDS Hooks clients)", async () => {
    const a = { who: "admin" as const };
    const body = { name: "Contract EHR", issuer: "https://ehr.contract.example", jwksUrl: "https://ehr.contract.example/jwks.json" };
    const created = await call("POST", "/api/admin/ehrs", { ...a, body });
    expect(created.status).toBe(201);
    expect((await call("POST", "/api/admin/ehrs", { ...a, body })).status).toBe(409);
    expect((await call("POST", "/api/admin/ehrs", { ...a, body: { name: "No keys", issuer: "x" } })).status).toBe(400);
    const id = (created.body as { ehr: { id: string } }).ehr.id;
    expect((await call("GET", "/api/admin/ehrs", a)).status).toBe(200);
    expect((await call("PATCH", "/api/admin/ehrs/[id]", { ...a, params: { id }, body: { enabled: false } })).status).toBe(200);
    expect((await call("PATCH", "/api/admin/ehrs/[id]", { ...a, params: { id }, body: { jwksUrl: null } })).status).toBe(409);
    expect((await call("DELETE", "/api/admin/ehrs/[id]", { ...a, params: { id } })).status).toBe(204);
    expect((await call("DELETE", "/api/admin/ehrs/[id]", { ...a, params: { id } })).status).toBe(404);
  });
});

describe("FHIR R4 and CDS Hooks answer as documented", () => {
  it("metadata, read, $everything, searches, and their OperationOutcome errors", async () => {
    const pid = fx.patients[0].id;
    expect((await call("GET", "/fhir/R4/metadata", { who: null })).status).toBe(200);
    expect((await call("GET", "/fhir/R4/Patient/[id]", { params: { id: pid } })).status).toBe(200);
    expect((await call("GET", "/fhir/R4/Patient/[id]", { params: { id: missing } })).status).toBe(404);
    expect((await call("GET", "/fhir/R4/Patient/[id]", { params: { id: pid }, who: null })).status).toBe(401);
    expect((await call("GET", "/fhir/R4/Patient/[id]", { params: { id: pid }, who: "researcher" })).status).toBe(403);
    expect((await call("GET", "/fhir/R4/Patient/[id]/[operation]", { params: { id: pid, operation: "$everything" } })).status).toBe(200);
    expect((await call("GET", "/fhir/R4/Patient/[id]/[operation]", { params: { id: pid, operation: "$purge" } })).status).toBe(404);
    expect((await call("GET", "/fhir/R4/Patient", { query: "identifier=NOBODY-1" })).status).toBe(200);
    expect((await call("GET", "/fhir/R4/Patient")).status).toBe(400);
    for (const type of ["Condition", "FamilyMemberHistory", "ImagingStudy", "RiskAssessment"])
      expect((await call("GET", `/fhir/R4/${type}`, { query: `patient=${pid}` })).status, type).toBe(200);
    expect((await call("GET", "/fhir/R4/Observation", { query: `patient=${pid}&category=survey` })).status).toBe(200);
    expect((await call("GET", "/fhir/R4/Observation", { query: `patient=${pid}&category=vital-signs` })).status).toBe(400);
    expect((await call("GET", "/fhir/R4/Condition", { query: `patient=${missing}` })).status).toBe(404);
  });
  it("import refusals and CDS Hooks", async () => {
    expect((await call("POST", "/fhir/R4", { body: "{nope", headers: { "content-type": "application/fhir+json" } })).status).toBe(400);
    expect((await call("POST", "/fhir/R4", { body: { resourceType: "Bundle", type: "transaction", entry: [{ resource: { resourceType: "Condition", subject: { reference: "Patient/x" }, code: { text: "x" } } }] }, headers: { "content-type": "application/fhir+json" } })).status).toBe(422);
    expect((await call("POST", "/fhir/R4", { body: "x", headers: { "content-type": "text/plain" } })).status).toBe(415);
    expect((await call("GET", "/cds-services", { who: null })).status).toBe(200);
    expect((await call("POST", "/cds-services/[id]", { params: { id: "fusion-risk" }, who: null, body: { hook: "patient-view" } })).status).toBe(401);
  });
});
