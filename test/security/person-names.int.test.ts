// Issue 10, Low 19: names accepted bidi overrides, zero-width and control characters. Through the
// real handlers, on PostgreSQL and the embedded database: refused with a 400 naming the field, and
// what is stored is NFC.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = ctx({}) as never;

async function expect400(res: Response, field: string) {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(body.error.details.issues.map((i: { path: string }) => i.path)).toEqual([field]);
}

describe.each(engines)("person names (%s)", (_name, open) => {
  let e: TestEngine;
  let clinician: Cred;
  let admin: Cred;
  const h = {} as Record<string, Handler>;
  const patient = { mrn: "NAME-1", givenName: "Ann", familyName: "Smith", birthDate: "1960-01-01", sex: "female" };

  beforeAll(async () => {
    e = await open();
    bindAppDb(e);
    clinician = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    admin = await sessionFor(e.prisma, (await makeUser(e.prisma, "admin")).id);
    h.createPatient = (await import("@/app/api/patients/route")).POST as Handler;
    h.patchPatient = (await import("@/app/api/patients/[id]/route")).PATCH as Handler;
    h.createUser = (await import("@/app/api/admin/users/route")).POST as Handler;
    h.patchUser = (await import("@/app/api/admin/users/[id]/route")).PATCH as Handler;
  });

  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  it("patient names: a right-to-left override, a zero-width space or a control character is a 400 naming the field", async () => {
    await expect400(await h.createPatient(apiRequest("POST", "/api/patients", { cred: clinician, body: { ...patient, familyName: "Smith\u202Eevil" } }), noParams), "familyName");
    await expect400(await h.createPatient(apiRequest("POST", "/api/patients", { cred: clinician, body: { ...patient, givenName: "An\u200Bn" } }), noParams), "givenName");
    await expect400(await h.createPatient(apiRequest("POST", "/api/patients", { cred: clinician, body: { ...patient, givenName: "An\u0007n" } }), noParams), "givenName");
    expect(await e.prisma.patient.count()).toBe(0);
  });

  it("patient names are stored in NFC, and a PATCH is checked the same way", async () => {
    const res = await h.createPatient(apiRequest("POST", "/api/patients", { cred: clinician, body: { ...patient, familyName: "Mu\u0308ller" } }), noParams);
    expect(res.status).toBe(201);
    const { id } = await res.json();
    expect((await e.prisma.patient.findUniqueOrThrow({ where: { id } })).familyName).toBe("M\u00fcller");
    await expect400(await h.patchPatient(apiRequest("PATCH", `/api/patients/${id}`, { cred: clinician, body: { givenName: "\u2067Ann" } }), ctx({ id }) as never), "givenName");
  });

  it("user display names: refused on create and on change", async () => {
    const body = { username: "name.user", displayName: "Name\u200DUser", role: "clinician", password: "a-long-enough-passphrase-1" };
    await expect400(await h.createUser(apiRequest("POST", "/api/admin/users", { cred: admin, body }), noParams), "displayName");
    const ok = await h.createUser(apiRequest("POST", "/api/admin/users", { cred: admin, body: { ...body, displayName: "Zoe\u0308 User" } }), noParams);
    expect(ok.status).toBe(201);
    const u = await e.prisma.user.findUniqueOrThrow({ where: { username: "name.user" } });
    expect(u.displayName).toBe("Zo\u00eb User");
    await expect400(await h.patchUser(apiRequest("PATCH", `/api/admin/users/${u.id}`, { cred: admin, body: { displayName: "Admin\u202E" } }), ctx({ id: u.id }) as never), "displayName");
  });
});
