// Issue 10, Low 15: refusals are audited too — signed-out calls (401), wrong role (403), CSRF
// refusals, refused exports and reads of missing records (404 on patient routes) — by the route
// wrapper, with nothing about a patient in the row beyond the id that was asked for. Real
// handlers, PostgreSQL and the embedded database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { ORIGIN, apiRequest, ctx, makeUser, sessionFor, type Cred, type TestUser } from "../support/auth-fixtures";
import { markPeerHeaderTrusted, PEER_HEADER } from "@/lib/auth/client-address.mjs";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = ctx({}) as never;
/** A row as text, to check what it must not contain (ids are bigints). */
const asText = (row: unknown) => JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

describe.each(engines)("audited refusals (%s)", (_name, open) => {
  let e: TestEngine;
  let clinician: TestUser;
  let clinicianCred: Cred;
  let researcher: TestUser;
  let researcherCred: Cred;
  let patientId: string;
  const h = {} as Record<string, Handler>;
  const last = (action: string) => e.prisma.auditEvent.findFirst({ where: { action }, orderBy: { id: "desc" } });
  const count = () => e.prisma.auditEvent.count();

  beforeAll(async () => {
    markPeerHeaderTrusted(); // as scripts/server.mjs does: PEER_HEADER carries the socket's address
    e = await open();
    bindAppDb(e);
    clinician = await makeUser(e.prisma, "clinician");
    clinicianCred = await sessionFor(e.prisma, clinician.id);
    researcher = await makeUser(e.prisma, "researcher");
    researcherCred = await sessionFor(e.prisma, researcher.id);
    patientId = (await e.prisma.patient.create({ data: { mrn: "DENY-1", givenName: "Dora", familyName: "Denied", birthDate: new Date("1950-05-05"), sex: "female" } })).id;
    const patients = await import("@/app/api/patients/route");
    h.listPatients = patients.GET as Handler;
    h.createPatient = patients.POST as Handler;
    h.getPatient = (await import("@/app/api/patients/[id]/route")).GET as Handler;
    h.patchCondition = (await import("@/app/api/patients/[id]/conditions/[entryId]/route")).PATCH as Handler;
    h.scanFile = (await import("@/app/api/scans/[id]/file/route")).GET as Handler;
    h.login = (await import("@/app/api/auth/login/route")).POST as Handler;
    h.exportCsv = (await import("@/app/api/export/route")).GET as Handler;
  });

  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  it("401: a signed-out call is audited as access.unauthenticated, with the address, method and path", async () => {
    const res = await h.listPatients(apiRequest("GET", "/api/patients?q=Denied", { headers: { [PEER_HEADER]: "198.51.100.7" } }), noParams);
    expect(res.status).toBe(401);
    const row = await last("access.unauthenticated");
    expect(row).toMatchObject({ outcome: "denied", userId: null, clientAddress: "198.51.100.7", patientId: null });
    expect(row!.details).toEqual({ method: "GET", path: "/api/patients", permission: "patient:read", status: 401 });
    expect(asText(row)).not.toContain("Denied"); // the query string (a search text) is not kept
  });

  it("403: another role is audited as access.denied (as before)", async () => {
    const res = await h.getPatient(apiRequest("GET", `/api/patients/${patientId}`, { cred: researcherCred }), ctx({ id: patientId }) as never);
    expect(res.status).toBe(403);
    expect(await last("access.denied")).toMatchObject({ outcome: "denied", userId: researcher.id, role: "researcher" });
  });

  it("CSRF refusals: a mutation without its token, and a cross-site sign-in", async () => {
    const noToken = new Request(`${ORIGIN}/api/patients`, {
      method: "POST",
      headers: { host: "localhost:3000", cookie: clinicianCred.cookie, origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ mrn: "DENY-2", givenName: "A", familyName: "B", birthDate: "1960-01-01", sex: "male" }),
    });
    expect((await h.createPatient(noToken, noParams)).status).toBe(403);
    const row = await last("access.csrf_refused");
    expect(row).toMatchObject({ outcome: "denied", userId: clinician.id });
    expect(row!.details).toMatchObject({ method: "POST", path: "/api/patients", status: 403, code: "csrf_failed" });
    expect(JSON.stringify(row!.details)).not.toContain("DENY-2"); // nothing from the body

    const cross = apiRequest("POST", "/api/auth/login", { body: { username: clinician.username, password: clinician.password }, headers: { origin: "https://evil.example" } });
    expect((await h.login(cross, noParams)).status).toBe(403);
    expect(await last("access.csrf_refused")).toMatchObject({ userId: null, details: expect.objectContaining({ path: "/api/auth/login", code: "csrf_failed" }) });
  });

  it("404 on patient routes: the requested id, nothing else", async () => {
    const missing = randomUUID();
    expect((await h.getPatient(apiRequest("GET", `/api/patients/${missing}`, { cred: clinicianCred }), ctx({ id: missing }) as never)).status).toBe(404);
    expect(await last("access.not_found")).toMatchObject({
      outcome: "failure",
      userId: clinician.id,
      entityType: "Patient",
      entityId: missing,
      patientId: missing,
      details: { method: "GET", path: `/api/patients/${missing}`, status: 404 },
    });

    const scan = randomUUID();
    expect((await h.scanFile(apiRequest("GET", `/api/scans/${scan}/file`, { cred: clinicianCred }), ctx({ id: scan }) as never)).status).toBe(404);
    expect(await last("access.not_found")).toMatchObject({ entityType: "Scan", entityId: scan, patientId: null });

    // a missing entry of a real patient: the row names the ids asked for, no name, no MRN
    const entry = randomUUID();
    const res = await h.patchCondition(apiRequest("PATCH", `/api/patients/${patientId}/conditions/${entry}`, { cred: clinicianCred, body: { display: "x" } }), ctx({ id: patientId, entryId: entry }) as never);
    expect(res.status).toBe(404);
    const row = await last("access.not_found");
    expect(row).toMatchObject({ entityType: "Condition", entityId: entry, patientId });
    expect(asText(row)).not.toMatch(/Dora|Denied|DENY-1/);
  });

  it("refused exports: a bad request to the export is audited once, as export.refused (lib/export/refusal.ts)", async () => {
    const before = await count();
    const res = await h.exportCsv(apiRequest("GET", "/api/export?format=xml", { cred: researcherCred }), noParams);
    expect(res.status).toBe(400);
    expect(await count()).toBe(before + 1);
    expect(await last("export.refused")).toMatchObject({ outcome: "failure", userId: researcher.id, details: expect.objectContaining({ endpoint: "export", path: "/api/export", status: 400, reason: "validation_failed" }) });
    // a clinician may not export at all: 403, audited as access.denied
    expect((await h.exportCsv(apiRequest("GET", "/api/export?format=csv", { cred: clinicianCred }), noParams)).status).toBe(403);
    expect(await last("access.denied")).toMatchObject({ userId: clinician.id, details: expect.objectContaining({ path: "/api/export", permission: "export:deidentified" }) });
  });

  it("successful calls and ordinary bad input on patient routes add no refusal rows", async () => {
    const before = await e.prisma.auditEvent.count({ where: { action: { startsWith: "access." } } });
    expect((await h.getPatient(apiRequest("GET", `/api/patients/${patientId}`, { cred: clinicianCred }), ctx({ id: patientId }) as never)).status).toBe(200);
    expect((await h.createPatient(apiRequest("POST", "/api/patients", { cred: clinicianCred, body: { mrn: "!" } }), noParams)).status).toBe(400);
    expect(await e.prisma.auditEvent.count({ where: { action: { startsWith: "access." } } })).toBe(before);
  });
});
