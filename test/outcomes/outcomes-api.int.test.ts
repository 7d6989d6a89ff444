// Observed outcomes through the real route handlers and session gate, on PostgreSQL and embedded
// PGlite: record (clinician, admin), list with follow-up, mark entered in error (never deleted),
// follow-up date, audit rows for reads and writes, refusals (role, bad input, other patient's entry),
// and the labels derived from what was recorded.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";
import type { Outcome, PatientOutcomes } from "@/lib/domain";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, c: never) => Promise<Response>;

describe.each(engines)("outcomes API on %s", (_engine, make) => {
  let e: TestEngine;
  let clinician: Cred;
  let admin: Cred;
  let researcher: Cred;
  let h: { list: Handler; create: Handler; error: Handler; followUp: Handler };
  let seq = 0;
  const patient = async (birthDate = "1950-01-01") =>
    (await e.prisma.patient.create({ data: { mrn: `OUT-${++seq}-${Math.random().toString(36).slice(2, 6)}`, givenName: "Test", familyName: "Outcome", birthDate: new Date(birthDate), sex: "male" } })).id;

  beforeAll(async () => {
    e = await make();
    routeHandlersUse(e);
    clinician = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    admin = await sessionFor(e.prisma, (await makeUser(e.prisma, "admin")).id);
    researcher = await sessionFor(e.prisma, (await makeUser(e.prisma, "researcher")).id);
    h = {
      list: (await import("@/app/api/patients/[id]/outcomes/route")).GET as Handler,
      create: (await import("@/app/api/patients/[id]/outcomes/route")).POST as Handler,
      error: (await import("@/app/api/patients/[id]/outcomes/[entryId]/entered-in-error/route")).POST as Handler,
      followUp: (await import("@/app/api/patients/[id]/follow-up/route")).PUT as Handler,
    };
  }, 60_000);
  afterAll(async () => {
    routeHandlersRelease();
    await e?.drop();
  });

  const post = (id: string, body: unknown, cred: Cred | null = clinician) => h.create(apiRequest("POST", `/api/patients/${id}/outcomes`, { cred, body }), ctx({ id }) as never);
  const list = async (id: string, cred: Cred = clinician) => {
    const r = await h.list(apiRequest("GET", `/api/patients/${id}/outcomes`, { cred }), ctx({ id }) as never);
    expect(r.status).toBe(200);
    return (await r.json()) as PatientOutcomes;
  };

  it("a clinician records an outcome; the list shows it with the follow-up; both are audited", async () => {
    const id = await patient();
    const r = await post(id, { outcome: "lung_cancer", occurredOn: "2024-05-01" });
    expect(r.status, await r.clone().text()).toBe(201);
    const o = (await r.json()) as Outcome;
    expect(o).toMatchObject({ patientId: id, outcome: "lung_cancer", occurredOn: "2024-05-01", source: "clinician", status: "recorded", enteredInErrorReason: null });
    const l = await list(id);
    expect(l.outcomes.map((x) => x.id)).toEqual([o.id]);
    expect(l.followUp).toEqual({ until: null, lastActivity: "2024-05-01", end: "2024-05-01" });
    const audits = await e.prisma.auditEvent.findMany({ where: { patientId: id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.action, a.entityType, a.outcome])).toEqual([
      ["outcome.create", "Outcome", "success"],
      ["outcome.read", "Patient", "success"],
    ]);
    expect(audits[0].entityId).toBe(o.id);
  });

  it("an admin may record one too; a researcher and an anonymous caller may not (nothing written)", async () => {
    const id = await patient();
    expect((await post(id, { outcome: "mace", occurredOn: "2023-01-02" }, admin)).status).toBe(201);
    expect((await post(id, { outcome: "mace", occurredOn: "2023-01-03" }, researcher)).status).toBe(403);
    expect((await post(id, { outcome: "mace", occurredOn: "2023-01-04" }, null)).status).toBe(401);
    expect(await e.prisma.outcome.count({ where: { patientId: id } })).toBe(1);
  });

  it("refuses bad input with 400 naming the field, and an unknown patient with 404", async () => {
    const id = await patient("1990-06-01");
    const bad = async (body: unknown, field: string) => {
      const r = await post(id, body);
      expect(r.status).toBe(400);
      const j = await r.json();
      expect(j.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
    };
    await bad({ outcome: "flu", occurredOn: "2024-01-01" }, "outcome");
    await bad({ outcome: "mace", occurredOn: "2999-01-01" }, "occurredOn");
    await bad({ outcome: "mace", occurredOn: "2024-02-30" }, "occurredOn");
    await bad({ outcome: "mace", occurredOn: "1980-01-01" }, "occurredOn"); // before birth
    const extra = await post(id, { outcome: "mace", occurredOn: "2024-01-01", source: "import" });
    expect(extra.status).toBe(400);
    expect(await e.prisma.outcome.count({ where: { patientId: id } })).toBe(0);
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await post(missing, { outcome: "mace", occurredOn: "2024-01-01" })).status).toBe(404);
  });

  it("entered in error: kept with its reason, excluded from labels, audited; twice is 409; another patient's entry is 404", async () => {
    const id = await patient();
    const other = await patient();
    const o = (await (await post(id, { outcome: "mace", occurredOn: "2024-03-01" })).json()) as Outcome;
    const mark = (pid: string, body: unknown, cred: Cred = clinician) => h.error(apiRequest("POST", `/api/patients/${pid}/outcomes/${o.id}/entered-in-error`, { cred, body }), ctx({ id: pid, entryId: o.id }) as never);
    expect((await mark(id, { reason: "" })).status).toBe(400);
    expect((await mark(other, { reason: "wrong patient" })).status).toBe(404);
    expect((await mark(id, { reason: "wrong patient" }, researcher)).status).toBe(403);
    const r = await mark(id, { reason: "entered on the wrong patient" });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(await r.json()).toMatchObject({ id: o.id, status: "entered_in_error", enteredInErrorReason: "entered on the wrong patient" });
    expect((await mark(id, { reason: "again" })).status).toBe(409);
    expect(await e.prisma.outcome.count({ where: { patientId: id } })).toBe(1); // nothing deleted
    const l = await list(id);
    expect(l.outcomes[0]).toMatchObject({ status: "entered_in_error" });
    const a = await e.prisma.auditEvent.findFirst({ where: { patientId: id, action: "outcome.entered_in_error" } });
    expect(a?.details).toMatchObject({ changedFields: ["status", "enteredInErrorReason"] });
    const { outcomeFacts } = await import("@/lib/outcomes/service");
    expect((await outcomeFacts(e.prisma, [id])).get(id)?.events).toEqual([]);
  });

  it("follow-up date: set, used for the labels' follow-up end, cleared; bad dates refused", async () => {
    const id = await patient();
    const put = (body: unknown, cred: Cred = clinician) => h.followUp(apiRequest("PUT", `/api/patients/${id}/follow-up`, { cred, body }), ctx({ id }) as never);
    expect((await put({ followUpUntil: "2999-01-01" })).status).toBe(400);
    expect((await put({})).status).toBe(400);
    expect((await put({ followUpUntil: "2025-06-30" }, researcher)).status).toBe(403);
    const r = await put({ followUpUntil: "2025-06-30" });
    expect(r.status, await r.clone().text()).toBe(200);
    await post(id, { outcome: "mace", occurredOn: "2022-01-01" });
    expect((await list(id)).followUp).toEqual({ until: "2025-06-30", lastActivity: "2022-01-01", end: "2025-06-30" });
    const { outcomeFacts } = await import("@/lib/outcomes/service");
    const { deriveLabels } = await import("@/lib/outcomes/labels");
    const f = (await outcomeFacts(e.prisma, [id])).get(id)!;
    expect(deriveLabels(["lung_cancer_2y", "mace_5y"], "2020-01-01", f.events, f.followUpEnd)).toEqual({ lung_cancer_2y: 0, mace_5y: 1 });
    expect(deriveLabels(["lung_cancer_2y"], "2024-01-01", f.events, f.followUpEnd)).toEqual({ lung_cancer_2y: null }); // followed up 1.5 of 2 years
    expect((await put({ followUpUntil: null })).status).toBe(200);
    expect((await list(id)).followUp.until).toBeNull();
    expect(await e.prisma.auditEvent.count({ where: { patientId: id, action: "patient.follow_up.update" } })).toBe(2);
  });
});
