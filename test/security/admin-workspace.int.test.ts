// Admin pages, second round (issue 16 item 6), through the real handlers on both engines: the users
// API renames, changes roles and resets passwords under the password policy; the audit search
// refuses invalid or unknown filters and `from` after `to` with a 400 that says why, and finds a
// patient's events by MRN without reading the record (and without keeping the MRN in its own row).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor, type Cred, type TestUser } from "../support/auth-fixtures";
import { verifyPassword } from "@/lib/auth/password";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = ctx({}) as never;

const dataDir = mkdtempSync(join(tmpdir(), "fcds-admin-ws-"));
process.env.FUSION_DATA_DIR = dataDir;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each(engines)("admin users and audit search (%s)", (_name, open) => {
  let e: TestEngine;
  let admin: Cred;
  let clinician: Cred;
  let nurse: TestUser;
  let patientId: string;
  const h = {} as Record<string, Handler>;

  beforeAll(async () => {
    e = await open();
    bindAppDb(e);
    admin = await sessionFor(e.prisma, (await makeUser(e.prisma, "admin")).id);
    clinician = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    nurse = await makeUser(e.prisma, "clinician");
    patientId = (await e.prisma.patient.create({ data: { mrn: "MRN-AUD-7", givenName: "Ines", familyName: "Peña", birthDate: new Date("1950-03-04"), sex: "female" } })).id;
    await e.prisma.patient.create({ data: { mrn: "MRN-AUD-8", givenName: "Other", familyName: "Person", birthDate: new Date("1951-03-04"), sex: "male" } });
    h.patchUser = (await import("@/app/api/admin/users/[id]/route")).PATCH as Handler;
    h.audit = (await import("@/app/api/admin/audit/route")).GET as Handler;
    h.fhir = (await import("@/app/api/admin/audit/fhir/route")).GET as Handler;
    h.record = (await import("@/app/api/patients/[id]/route")).GET as Handler;
  });
  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  const patch = (body: unknown) => h.patchUser(apiRequest("PATCH", `/api/admin/users/${nurse.id}`, { cred: admin, body }), ctx({ id: nurse.id }) as never);
  const auditGet = (qs: string) => h.audit(apiRequest("GET", `/api/admin/audit?${qs}`, { cred: admin }), noParams);

  it("renames, changes the role (ending the user's sessions) and resets the password under the policy", async () => {
    await sessionFor(e.prisma, nurse.id);
    let r = await patch({ displayName: "Nurse Ratched", role: "researcher" });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.user).toMatchObject({ displayName: "Nurse Ratched", role: "researcher" });
    expect(body.revokedSessions).toBe(1);

    r = await patch({ password: "password1234" });
    expect(r.status).toBe(400);
    const err = await r.json();
    expect(err.error.message).toMatch(/common/);
    expect(err.error.details.issues[0]).toMatchObject({ path: "password" });
    r = await patch({ password: "short" });
    expect(r.status).toBe(400);

    r = await patch({ password: "lantern-orbit-meadow-42" });
    expect(r.status).toBe(200);
    const row = await e.prisma.user.findUniqueOrThrow({ where: { id: nurse.id } });
    expect(await verifyPassword(row.passwordHash, "lantern-orbit-meadow-42")).toBe(true);
    const audit = await e.prisma.auditEvent.findFirst({ where: { action: "user.update", entityId: nurse.id }, orderBy: { id: "desc" } });
    expect(JSON.stringify(audit?.details)).not.toContain("lantern");
  });

  it.each([
    ["from=yesterday", "from"],
    ["outcome=maybe", "outcome"],
    ["patientId=not-a-uuid", "patientId"],
    ["usr=someone", "usr"],
    ["from=2026-12-03T10:00&to=2026-12-02T10:00", "to"],
  ])("refuses %s with a 400 naming %s", async (qs, field) => {
    for (const handler of [h.audit, h.fhir]) {
      const r = await handler(apiRequest("GET", `/api/admin/audit${handler === h.fhir ? "/fhir" : ""}?${qs}`, { cred: admin }), noParams);
      expect(r.status).toBe(400);
      const b = await r.json();
      expect(b.error.code).toBe("validation_failed");
      expect(b.error.message).toContain(field);
      expect(b.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
  });

  it("accepts from equal to to", async () => {
    expect((await auditGet("from=2026-12-02T10:00:00Z&to=2026-12-02T10:00:00Z")).status).toBe(200);
  });

  it("finds a patient's events by MRN (any case) without reading the record, and keeps only a hash of the MRN", async () => {
    const read = await h.record(apiRequest("GET", `/api/patients/${patientId}`, { cred: clinician }), ctx({ id: patientId }) as never);
    expect(read.status).toBe(200);
    await e.prisma.auditEvent.create({ data: { action: "patient.read", outcome: "success", username: "someone.else", patientId: (await e.prisma.patient.findUniqueOrThrow({ where: { mrn: "MRN-AUD-8" } })).id } });
    const before = await e.prisma.auditEvent.count({ where: { action: "patient.read" } });

    const r = await auditGet("patientMrn=mrn-aud-7&action=patient.");
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.total).toBeGreaterThanOrEqual(1);
    expect(body.items.every((i: { patientId: string }) => i.patientId === patientId)).toBe(true);
    expect(body.items.map((i: { action: string }) => i.action)).toContain("patient.read");
    // the answer holds no part of the record
    expect(JSON.stringify(body)).not.toMatch(/Peña|Ines|1950-03-04/);
    // the admin's search read no record: no new patient.read
    expect(await e.prisma.auditEvent.count({ where: { action: "patient.read" } })).toBe(before);
    const own = await e.prisma.auditEvent.findFirst({ where: { action: "audit.search" }, orderBy: { id: "desc" } });
    expect(JSON.stringify(own?.details)).not.toMatch(/AUD-7/i);
    expect((own?.details as { filters: { patientMrn: unknown } }).filters.patientMrn).toMatchObject({ kind: "identifier", hmac: expect.stringMatching(/^[0-9a-f]{16}$/) });

    const none = await (await auditGet("patientMrn=NO-SUCH-1")).json();
    expect(none).toMatchObject({ total: 0, items: [], unknownMrn: true });
    // MRN and a different patient id: nothing
    expect((await (await auditGet(`patientMrn=MRN-AUD-7&patientId=${nurse.id}`)).json()).total).toBe(0);
  });
});
