// Issue 10, Low 14: a NUL character (U+0000) in any text field or query parameter answered 500
// (PostgreSQL cannot store it in text). It must be a 400 naming the field. Real route handlers, on
// PostgreSQL and on the embedded database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = ctx({}) as never;
const NUL = "\u0000";

async function expect400(res: Response, field: string) {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(body.error.code).toBe("validation_failed");
  expect(body.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
  expect(JSON.stringify(body.error.details.issues)).toMatch(/NUL/);
}

describe.each(engines)("NUL characters (%s)", (_name, open) => {
  let e: TestEngine;
  let clinician: Cred;
  let admin: Cred;
  let researcher: Cred;
  let patientId: string;
  const h = {} as Record<string, Handler>;

  beforeAll(async () => {
    e = await open();
    bindAppDb(e);
    clinician = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    admin = await sessionFor(e.prisma, (await makeUser(e.prisma, "admin")).id);
    researcher = await sessionFor(e.prisma, (await makeUser(e.prisma, "researcher")).id);
    patientId = (await e.prisma.patient.create({ data: { mrn: "NUL-1", givenName: "Ada", familyName: "Nul", birthDate: new Date("1960-01-01"), sex: "female" } })).id;
    const patients = await import("@/app/api/patients/route");
    h.listPatients = patients.GET as Handler;
    h.createPatient = patients.POST as Handler;
    h.patchPatient = (await import("@/app/api/patients/[id]/route")).PATCH as Handler;
    h.addCondition = (await import("@/app/api/patients/[id]/conditions/route")).POST as Handler;
    h.addFamily = (await import("@/app/api/patients/[id]/family-history/route")).POST as Handler;
    h.addDiet = (await import("@/app/api/patients/[id]/diet/route")).POST as Handler;
    h.login = (await import("@/app/api/auth/login/route")).POST as Handler;
    h.createUser = (await import("@/app/api/admin/users/route")).POST as Handler;
    h.audit = (await import("@/app/api/admin/audit/route")).GET as Handler;
    h.exportCount = (await import("@/app/api/export/count/route")).GET as Handler;
  });

  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  const newPatient = { mrn: "NUL-2", givenName: "Bea", familyName: "Nul", birthDate: "1970-02-03", sex: "male" };
  const diet = { recordedOn: "2024-01-01", method: "ffq", energyKcal: 2000, sodiumMg: 2000, sugarsG: 50, saturatedFatG: 20, fibreG: 25, fruitVegServings: 5, redMeatServings: 1, alcoholUnits: 1 };

  it("patient create / update: a NUL in a name field is a 400 naming it", async () => {
    await expect400(await h.createPatient(apiRequest("POST", "/api/patients", { cred: clinician, body: { ...newPatient, familyName: `Nu${NUL}l` } }), noParams), "familyName");
    await expect400(await h.patchPatient(apiRequest("PATCH", `/api/patients/${patientId}`, { cred: clinician, body: { givenName: `A${NUL}` } }), ctx({ id: patientId }) as never), "givenName");
    expect(await e.prisma.patient.count()).toBe(1);
  });

  it("history entries: condition display, family-history display, diet note", async () => {
    const p = ctx({ id: patientId }) as never;
    await expect400(await h.addCondition(apiRequest("POST", `/api/patients/${patientId}/conditions`, { cred: clinician, body: { code: "I10", display: `Hyper${NUL}tension` } }), p), "display");
    await expect400(await h.addFamily(apiRequest("POST", `/api/patients/${patientId}/family-history`, { cred: clinician, body: { relationship: "mother", code: "I10", display: `x${NUL}` } }), p), "display");
    await expect400(await h.addDiet(apiRequest("POST", `/api/patients/${patientId}/diet`, { cred: clinician, body: { ...diet, note: `ok${NUL}` } }), p), "note");
  });

  it("patient search: q with %00 is a 400 naming q", async () => {
    await expect400(await h.listPatients(apiRequest("GET", "/api/patients?q=Ad%00a", { cred: clinician }), noParams), "q");
  });

  it("sign-in: a NUL in the username is a 400 naming it", async () => {
    await expect400(await h.login(apiRequest("POST", "/api/auth/login", { body: { username: `dr${NUL}demo`, password: "whatever-long-enough" } }), noParams), "username");
  });

  it("user admin: a NUL in the display name is a 400 naming it", async () => {
    const body = { username: "nul.user", displayName: `Nul${NUL}User`, role: "clinician", password: "a-long-enough-passphrase-1" };
    await expect400(await h.createUser(apiRequest("POST", "/api/admin/users", { cred: admin, body }), noParams), "displayName");
  });

  it("audit search and export filters: a NUL in a query parameter is a 400 naming it", async () => {
    await expect400(await h.audit(apiRequest("GET", "/api/admin/audit?username=a%00b", { cred: admin }), noParams), "username");
    await expect400(await h.exportCount(apiRequest("GET", "/api/export/count?condition=I1%000", { cred: researcher }), noParams), "condition");
  });
});
