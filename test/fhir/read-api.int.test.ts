// The FHIR R4 API through its route handlers on a real PostgreSQL database (signed-in sessions, roles,
// audit, OperationOutcome errors; every resource it answers validates against R4), and the round
// trip: a seeded patient exported with Patient/$everything and imported into an empty database —
// on PostgreSQL and on the embedded database — has the same record and the same fresh score.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { generateKeyPair, exportJWK, SignJWT } from "jose";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { freshPostgres, engines, type TestEngine } from "../support/engines";
import type * as Fixtures from "../support/auth-fixtures";
import { generatePatient } from "@/models/fusion/cohort";
import { seedPatients } from "@/lib/db/seed-cohort";
import { getPatientRecord } from "@/lib/db/patients";
import { loadRecordInput } from "@/lib/jobs/assess-job";
import { AssessmentQueue } from "@/lib/jobs/queue";
import { importBundle } from "@/lib/fhir/import";
import { validateFhir } from "@/lib/fhir/validator";
import { assess } from "@/lib/fusion";
import { CdsCards } from "@/lib/domain";
import { readBundleOutcomes } from "@/lib/fusion/outcomes";
import { storedColumns } from "../support/stored-assessment";
import { MRN_SYSTEM, patientBundle } from "./fixtures";
import { demoModelDir, registerDemoModel } from "./model";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: unknown) => Promise<Response>;
let e: TestEngine;
let db: PrismaClient;
let af: typeof Fixtures;
const cred = {} as Record<"clinician" | "researcher", Fixtures.Cred>;
let clinicianId: string;
let patientId: string;
let runtime: typeof import("@/lib/jobs/runtime");

async function call(method: string, appPath: string, opts: { params?: Record<string, string>; query?: string; who?: "clinician" | "researcher" | null; body?: string; contentType?: string; headers?: Record<string, string> } = {}) {
  const mod = (await import(/* @vite-ignore */ `@/app${appPath}/route`)) as Record<string, Handler>;
  const params = opts.params ?? {};
  const url = appPath.replace(/\[([^\]]+)\]/g, (_m, k: string) => params[k]) + (opts.query ? `?${opts.query}` : "");
  const c = opts.who === null ? null : cred[opts.who ?? "clinician"];
  const req = af.apiRequest(method, url, { cred: c, headers: { ...(opts.contentType ? { "content-type": opts.contentType } : {}), ...opts.headers } });
  const withBody = opts.body === undefined ? req : new Request(req, { body: opts.body, duplex: "half" } as RequestInit);
  const res = await mod[method](withBody, af.ctx(params));
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  e = await freshPostgres("fhir_api");
  process.env.DATABASE_URL = e.url;
  process.env.FUSION_FHIR_MRN_SYSTEM = MRN_SYSTEM;
  db = e.prisma;
  af = await import("../support/auth-fixtures");
  const u = await af.makeUser(db, "clinician", "fhir.clinician");
  clinicianId = u.id;
  cred.clinician = await af.sessionFor(db, u.id);
  cred.researcher = await af.sessionFor(db, (await af.makeUser(db, "researcher", "fhir.researcher")).id);
  const p = generatePatient(42, 1); // a former smoker with family history and diet records
  p.conditions.push({ codeSystem: "SNOMED", code: "195967001", display: "Asthma", onsetDate: "2001-05-05", status: "active" });
  p.dietRecords[0] = { ...p.dietRecords[0], note: "after dietitian visit" };
  await seedPatients(db, [p, generatePatient(42, 2)]);
  patientId = (await db.patient.findUniqueOrThrow({ where: { mrn: p.patient.mrn } })).id;
  await registerDemoModel(db); // what a starting worker does: the active model and its outcomes in the registry
  // a finished record-only assessment, as the worker stores it (validated with StoredAssessment)
  const scores = { lung_cancer_2y: { probability: 0.031, interval: [0.012, 0.06], category: "moderate" }, mace_5y: { probability: 0.12, interval: [0.08, 0.17], category: "moderate" } };
  await db.assessment.create({ data: { patientId, ...storedColumns({ path: "tabular_only", scores, flags: ["no_image"] }), status: "done", completedAt: new Date() } });
  // a finished row whose stored result does not match the schema: left out, never guessed at
  await db.assessment.create({ data: { patientId, modelName: "fusion-demo", modelVersion: "1.1.0", strategy: "tabular_only", status: "done", scores: { lung_cancer_2y: { probability: 2 } }, flags: [], completedAt: new Date(Date.now() - 60_000) } });
  runtime = await import("@/lib/jobs/runtime");
}, 120_000);

afterAll(async () => {
  await runtime?.stopJobRuntime();
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await e?.drop();
});

describe("read API", () => {
  it("metadata: a valid CapabilityStatement, public", async () => {
    const r = await call("GET", "/fhir/R4/metadata", { who: null });
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/fhir\+json/);
    expect(r.body.fhirVersion).toBe("4.0.1");
    expect(await validateFhir(r.body)).toEqual([]);
  });

  it("Patient/{id}, Patient?identifier=, every search by patient: valid R4, audited", async () => {
    const before = await db.auditEvent.count({ where: { userId: clinicianId } });
    const read = await call("GET", "/fhir/R4/Patient/[id]", { params: { id: patientId } });
    expect(read.status).toBe(200);
    expect(read.body.identifier[0]).toMatchObject({ system: MRN_SYSTEM, value: "DEMO-000001" });
    const byMrn = await call("GET", "/fhir/R4/Patient", { query: `identifier=${encodeURIComponent(`${MRN_SYSTEM}|DEMO-000001`)}` });
    expect(byMrn.body.entry.map((x: { resource: { id: string } }) => x.resource.id)).toEqual([patientId]);
    expect((await call("GET", "/fhir/R4/Patient", { query: "identifier=NOPE-1" })).body.total).toBe(0);
    const got: Record<string, { resource: { resourceType: string } }[]> = {};
    for (const type of ["Condition", "FamilyMemberHistory", "Observation", "ImagingStudy", "RiskAssessment"]) {
      const r = await call("GET", `/fhir/R4/${type}`, { query: `patient=${patientId}` });
      expect(r.status, type).toBe(200);
      expect(r.body).toMatchObject({ resourceType: "Bundle", type: "searchset" });
      expect(await validateFhir(r.body), type).toEqual([]);
      got[type] = r.body.entry;
    }
    expect(got.Condition.length).toBe(4);
    expect(got.Observation.map((x) => (x.resource as unknown as { code: { coding: { code: string }[] } }).code.coding[0].code).sort()).toEqual(["72166-2", "75284-0", "75284-0"]);
    const ra = got.RiskAssessment[0].resource as unknown as { prediction: { outcome: { coding: { code: string }[] }; probabilityDecimal: number; whenRange: { high: { value: number } }; qualitativeRisk: { coding: { code: string }[] }; rationale: string }[]; method: { text: string }; basis: unknown[]; note: { text: string }[] };
    const lung = ra.prediction.find((x) => x.outcome.coding[0].code === "lung_cancer_2y")!;
    expect(lung).toMatchObject({ probabilityDecimal: 0.031, whenRange: { high: { value: 2 } }, qualitativeRisk: { coding: [{ code: "moderate" }] } });
    expect(lung.rationale).toContain("1.2%–6.0%");
    // named in the model's words, from the registry (ModelVersion.outcomes)
    const outcomes = await readBundleOutcomes(demoModelDir());
    expect((lung.outcome as unknown as { text: string }).text).toBe(outcomes.find((o) => o.head === "lung_cancer_2y")!.label);
    expect(got.RiskAssessment).toHaveLength(1); // the unreadable row is left out
    expect(ra.prediction.find((x) => x.outcome.coding[0].code === "mace_5y")).toMatchObject({ probabilityDecimal: 0.12, whenRange: { high: { value: 5 } } });
    expect(ra.method.text).toContain("fusion-demo 1.1.0");
    expect(ra.basis.length).toBeGreaterThan(4);
    expect(ra.note[0].text).toMatch(/^Research use only/);
    // the assessment in words (lib/narrative), as the risk panel shows it: no name, MRN or date of the patient
    const label = outcomes.find((o) => o.head === "lung_cancer_2y")!.label;
    expect(ra.note[1].text).toContain(`${label}: estimated risk 3.1% (uncertainty interval 1.2% to 6.0%). That is moderate risk: from 3.0% up to 10%, this model's moderate band.`);
    expect(ra.note[1].text).toContain("Read with care: No scan was used: the scores rest on the medical history, family history and diet alone.");
    expect(ra.note[1].text).toContain("Scored by the model fusion-demo 1.1.0 on the record alone");
    expect(ra.note[1].text).toMatch(/Research use only — not for diagnosis\.[^\n]*$/);
    const pat = await db.patient.findUniqueOrThrow({ where: { id: patientId } });
    for (const ident of [pat.mrn, pat.givenName, pat.familyName, pat.birthDate.toISOString().slice(0, 10)]) expect(ra.note[1].text).not.toContain(ident);
    const smokingOnly = await call("GET", "/fhir/R4/Observation", { query: `patient=Patient/${patientId}&category=social-history` });
    expect(smokingOnly.body.entry.map((x: { resource: { valueCodeableConcept: { coding: { code: string }[] } } }) => x.resource.valueCodeableConcept.coding[0].code)).toEqual(["8517006"]);
    expect(await db.auditEvent.count({ where: { userId: clinicianId, patientId } })).toBeGreaterThanOrEqual(8);
    expect(await db.auditEvent.count({ where: { userId: clinicianId } })).toBeGreaterThan(before);
  });

  it("errors are OperationOutcome: unknown patient 404, bad search 400, another operation 404, no session 401, another role 403 — refusals audited", async () => {
    const unknown = randomUUID();
    const refusals = () => db.auditEvent.findMany({ where: { action: { startsWith: "access." }, details: { path: ["path"], string_starts_with: "/fhir/" } }, orderBy: { id: "asc" } });
    const before = (await refusals()).length;
    const cases = [
      await call("GET", "/fhir/R4/Patient/[id]", { params: { id: unknown } }),
      await call("GET", "/fhir/R4/Condition", { query: "patient=not-an-id" }),
      await call("GET", "/fhir/R4/Condition", { query: `patient=${patientId}&_sort=date` }),
      await call("GET", "/fhir/R4/Patient/[id]/[operation]", { params: { id: patientId, operation: "$validate" } }),
      await call("GET", "/fhir/R4/Patient/[id]", { params: { id: patientId }, who: null }),
      await call("GET", "/fhir/R4/Patient/[id]", { params: { id: patientId }, who: "researcher" }),
    ];
    expect(cases.map((c) => [c.status, c.body.resourceType, c.body.issue[0].code])).toEqual([
      [404, "OperationOutcome", "not-found"],
      [400, "OperationOutcome", "invalid"],
      [400, "OperationOutcome", "invalid"],
      [404, "OperationOutcome", "not-supported"],
      [401, "OperationOutcome", "login"],
      [403, "OperationOutcome", "forbidden"],
    ]);
    expect(cases[1].body.issue[0]).toMatchObject({ expression: ["patient"] });
    for (const c of cases) expect(await validateFhir(c.body)).toEqual([]);
    // the route wrapper's audited refusals (lib/http/refusal-audit.ts) hold for the FHIR API too
    const rows = (await refusals()).slice(before);
    expect(rows.map((r) => [r.action, r.entityType, r.entityId, r.patientId])).toEqual([
      ["access.not_found", "Patient", unknown, unknown],
      ["access.not_found", null, "$validate", patientId], // an operation this server does not have, on a real patient
      ["access.unauthenticated", null, null, null],
      ["access.denied", null, null, null],
    ]);
    expect(cases[5].body.issue[0].details.coding[0]).toEqual({ system: "urn:fusion-cds:error-code", code: "forbidden" });
  });
});

describe("import through POST /fhir/R4", () => {
  it("a transaction Bundle: a transaction-response with locations; the record exists; a re-assessment is queued", async () => {
    const r = await call("POST", "/fhir/R4", { body: JSON.stringify(patientBundle(7)), contentType: "application/fhir+json" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.type).toBe("transaction-response");
    expect(await validateFhir(r.body)).toEqual([]);
    const p = await db.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00007" }, include: { assessments: true, conditions: true } });
    expect(r.body.entry[0].response).toEqual({ status: "201 Created", location: `Patient/${p.id}` });
    expect(p.conditions.length).toBe(3);
    expect(p.assessments.length).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "fhir.import", patientId: p.id, userId: clinicianId } })).toBe(1);
  }, 120_000);
  it("before any worker registered a model: the record is imported, nothing queued, the patient's entry says so", async () => {
    await db.modelVersion.updateMany({ data: { active: false, status: "retired" } });
    try {
      const r = await call("POST", "/fhir/R4", { body: JSON.stringify(patientBundle(10)), contentType: "application/fhir+json" });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(await validateFhir(r.body)).toEqual([]);
      const p = await db.patient.findUniqueOrThrow({ where: { mrn: "FHIR-00010" }, include: { assessments: true } });
      expect(p.assessments).toEqual([]);
      expect(r.body.entry[0].response).toMatchObject({ status: "201 Created", location: `Patient/${p.id}` });
      expect(r.body.entry[0].response.outcome.issue[0]).toMatchObject({ severity: "information", code: "informational" });
      expect(r.body.entry[0].response.outcome.issue[0].diagnostics).toMatch(/no re-assessment was queued because no risk model is registered yet/);
    } finally {
      await registerDemoModel(db);
    }
  }, 120_000);
  it("refusals: not JSON 400, the wrong media type 415, too many bytes 413, a NUL character 400 — nothing written", async () => {
    const before = await db.patient.count();
    const notJson = await call("POST", "/fhir/R4", { body: "{nope", contentType: "application/fhir+json" });
    const media = await call("POST", "/fhir/R4", { body: "{}", contentType: "text/plain" });
    process.env.FUSION_FHIR_MAX_BUNDLE_BYTES = "1000";
    let big;
    try {
      big = await call("POST", "/fhir/R4", { body: JSON.stringify(patientBundle(8)), contentType: "application/fhir+json" });
    } finally {
      delete process.env.FUSION_FHIR_MAX_BUNDLE_BYTES;
    }
    const nul = JSON.stringify(patientBundle(8)).replace('"Family8"', '"Fam\\u0000ily8"');
    const withNul = await call("POST", "/fhir/R4", { body: nul, contentType: "application/fhir+json" });
    expect([notJson.status, media.status, big.status, withNul.status]).toEqual([400, 415, 413, 400]);
    for (const r of [notJson, media, big, withNul]) expect(r.body.resourceType).toBe("OperationOutcome");
    expect(withNul.body.issue[0]).toMatchObject({ expression: ["Bundle.entry[0].resource.name[0].family"], diagnostics: "must not contain NUL characters (U+0000)" });
    expect(await db.patient.count()).toBe(before);
  });
});

describe("POST /cds-services/fusion-risk through its handler", () => {
  it("a signed call (inline JWKS) answers cards; without a token 401", async () => {
    const pair = await generateKeyPair("RS384");
    await db.trustedEhr.create({ data: { name: "Inline EHR", issuer: "ehr-inline", jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS384" }] } } });
    const token = await new SignJWT({}).setProtectedHeader({ alg: "RS384", kid: "k1" }).setIssuer("ehr-inline").setAudience("http://localhost:3000/cds-services/fusion-risk").setIssuedAt().setExpirationTime("2m").setJti(randomUUID()).sign(pair.privateKey);
    const bundle = patientBundle(9) as { entry: { resource: Record<string, unknown> }[] };
    const body = JSON.stringify({
      hook: "patient-view", hookInstance: randomUUID(), context: { userId: "Practitioner/1", patientId: "p9" },
      prefetch: { patient: bundle.entry[0].resource, conditions: { resourceType: "Bundle", type: "searchset", entry: [{ resource: bundle.entry[1].resource }] }, familyHistory: { resourceType: "Bundle", type: "searchset" }, observations: { resourceType: "Bundle", type: "searchset" } },
    });
    const ok = await call("POST", "/cds-services/[id]", { params: { id: "fusion-risk" }, who: null, body, contentType: "application/json", headers: { authorization: `Bearer ${token}` } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(CdsCards.parse(ok.body).cards).toHaveLength(2);
    const no = await call("POST", "/cds-services/[id]", { params: { id: "fusion-risk" }, who: null, body, contentType: "application/json" });
    expect(no.status).toBe(401);
    const discovery = await call("GET", "/cds-services", { who: null });
    expect(discovery.body.services[0].id).toBe("fusion-risk");
  }, 60_000);
});

describe.each(engines)("round trip into an empty database on %s", (_name, open) => {
  let target: TestEngine;
  let queue: AssessmentQueue;
  beforeAll(async () => {
    target = await open();
    queue = await AssessmentQueue.open(target);
    await registerDemoModel(target.prisma);
  }, 120_000);
  afterAll(async () => {
    await queue?.stop();
    await target?.drop();
  });

  const strip = (r: Awaited<ReturnType<typeof getPatientRecord>>) => {
    const sortBy = <T,>(xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    // recordVersion counts changes in each database (local bookkeeping, not part of the record)
    const { id: _i, createdAt: _c, updatedAt: _u, scans: _s, assessments: _a, recordVersion: _v, ...patient } = r;
    const clean = <T extends object>(x: T) => Object.fromEntries(Object.entries(x).filter(([k]) => !["id", "patientId", "createdAt", "updatedAt"].includes(k)));
    return { ...patient, conditions: sortBy(r.conditions.map(clean)), familyHistory: sortBy(r.familyHistory.map(clean)), dietRecords: sortBy(r.dietRecords.map(clean)) };
  };

  it("Patient/$everything → import: the same record, and the same fresh record-only score", async () => {
    const exported = await call("GET", "/fhir/R4/Patient/[id]/[operation]", { params: { id: patientId, operation: "$everything" } });
    expect(exported.status).toBe(200);
    expect(await validateFhir(exported.body)).toEqual([]);
    expect(new Set(exported.body.entry.map((x: { resource: { resourceType: string } }) => x.resource.resourceType))).toEqual(new Set(["Patient", "Condition", "FamilyMemberHistory", "Observation", "RiskAssessment"]));
    const s = await importBundle(target.prisma, exported.body, { actor: null, request: { clientAddress: null, userAgent: null, source: "test" }, queue });
    const newId = s.patients[0].id;
    const source = await getPatientRecord(db, patientId);
    const copy = await getPatientRecord(target.prisma, newId);
    expect(strip(copy)).toEqual(strip(source));
    expect(copy.conditions.length).toBe(4); // the derived smoking status added nothing: the conditions say it already
    const [a, b] = await Promise.all([loadRecordInput(db, patientId, "2026-12-01"), loadRecordInput(target.prisma, newId, "2026-12-01")]);
    const sortRec = (r: typeof a) => ({ ...r, conditions: [...r.conditions].sort((x, y) => x.code.localeCompare(y.code)), dietRecords: [...r.dietRecords].sort((x, y) => x.recordedOn.localeCompare(y.recordedOn)), familyHistory: [...r.familyHistory].sort((x, y) => x.code.localeCompare(y.code)) });
    expect(sortRec(b)).toEqual(sortRec(a));
    const [sa, sb] = await Promise.all([assess({ record: a }, { explain: false }), assess({ record: b }, { explain: false })]);
    expect(sb.scores).toEqual(sa.scores);
    // and importing the export again changes nothing
    const again = await importBundle(target.prisma, exported.body, { actor: null, request: { clientAddress: null, userAgent: null, source: "test" }, queue });
    expect(again.patients[0]).toMatchObject({ id: newId, changed: false });
  }, 120_000);
});
