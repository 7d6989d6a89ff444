// PATCH of family-history and diet entries through the real route handlers, the real session gate
// and a real PostgreSQL database: the change, its audit row, bad bodies, other patients' entries.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "../support/pg-database";
import type * as Fixtures from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
let tdb: TestDatabase;
let db: PrismaClient;
let af: typeof Fixtures;
let clinician: Fixtures.TestUser;
let clinicianCred: Fixtures.Cred;
let researcherCred: Fixtures.Cred;
const handlers = {} as Record<"family-history" | "diet" | "conditions", { PATCH: Handler; POST: Handler }>;

let seq = 0;
async function patient(birthDate = "1960-01-01") {
  seq++;
  return db.patient.create({ data: { mrn: `PATCH-${seq}`, givenName: "Test", familyName: `Patient${seq}`, birthDate: new Date(birthDate), sex: "female" } });
}

beforeAll(async () => {
  tdb = await createTestDatabase("entry_patch");
  process.env.DATABASE_URL = tdb.url;
  db = await (await import("@/lib/db/client")).prisma();
  af = await import("../support/auth-fixtures");
  handlers["family-history"] = {
    PATCH: (await import("@/app/api/patients/[id]/family-history/[entryId]/route")).PATCH,
    POST: (await import("@/app/api/patients/[id]/family-history/route")).POST,
  };
  handlers.diet = {
    PATCH: (await import("@/app/api/patients/[id]/diet/[entryId]/route")).PATCH,
    POST: (await import("@/app/api/patients/[id]/diet/route")).POST,
  };
  handlers.conditions = {
    PATCH: (await import("@/app/api/patients/[id]/conditions/[entryId]/route")).PATCH,
    POST: (await import("@/app/api/patients/[id]/conditions/route")).POST,
  };
  clinician = await af.makeUser(db, "clinician");
  clinicianCred = await af.sessionFor(db, clinician.id);
  researcherCred = await af.sessionFor(db, (await af.makeUser(db, "researcher")).id);
});

afterAll(async () => {
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await tdb?.drop();
});

/** Adds an entry through the real POST route (as the record page does). */
async function add(kind: keyof typeof handlers, patientId: string, body: unknown): Promise<{ id: string } & Record<string, unknown>> {
  const res = await handlers[kind].POST(af.apiRequest("POST", `/api/patients/${patientId}/${kind}`, { cred: clinicianCred, body }), af.ctx({ id: patientId }) as never);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

/** PATCH as a signed-in browser would send it; `raw` replaces the JSON body with these bytes. */
function patch(kind: keyof typeof handlers, patientId: string, entryId: string, body: unknown, cred: Fixtures.Cred | null = clinicianCred, raw?: string) {
  const req = af.apiRequest("PATCH", `/api/patients/${patientId}/${kind}/${entryId}`, { cred, body: raw === undefined ? body : {} });
  const sent = raw === undefined ? req : new Request(req.url, { method: "PATCH", headers: req.headers, body: raw });
  return handlers[kind].PATCH(sent, af.ctx({ id: patientId, entryId }) as never);
}

/** The entry as the record page would show it now. */
async function stored(kind: "family-history" | "diet", patientId: string) {
  const rec = await (await import("@/lib/db/patients")).getPatientRecord(db, patientId);
  return kind === "diet" ? rec.dietRecords[0] : rec.familyHistory[0];
}

const auditRows = (entityId: string) => db.auditEvent.findMany({ where: { entityId, action: { endsWith: ".update" } }, orderBy: { id: "asc" } });

const KINDS = [
  {
    kind: "family-history" as const,
    action: "family_history.update",
    entityType: "FamilyHistory",
    create: { relationship: "mother", code: "C34.9", display: "Lung cancer", ageAtOnset: 61 },
    // relationship changes, display is sent unchanged: only the real changes are audited
    good: { relationship: "father", ageAtOnset: 58, deceased: true, display: "Lung cancer" },
    changed: ["relationship", "ageAtOnset", "deceased"],
    bad: [
      [{ ageAtOnset: -2 }, "ageAtOnset", "cannot be negative"],
      [{ relationship: "neighbour" }, "relationship", "must be one of"],
      [{ code: "not a code" }, "code", "is not an ICD-10 code"],
      // the code system alone: the stored ICD-10 code is no SNOMED concept id
      [{ codeSystem: "SNOMED" }, "code", "C34.9 is not a SNOMED CT concept id"],
      [{ display: "" }, "display", "is required"],
    ] as [Record<string, unknown>, string, string][],
  },
  {
    kind: "diet" as const,
    action: "diet_record.update",
    entityType: "DietRecord",
    create: {
      recordedOn: "2024-03-01", method: "ffq", energyKcal: 2100, sodiumMg: 3200, sugarsG: 70, saturatedFatG: 28,
      fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5,
    },
    good: { sodiumMg: 1800, recordedOn: "2024-02-15", note: "after dietitian visit", method: "ffq" },
    changed: ["sodiumMg", "recordedOn", "note"],
    bad: [
      [{ sodiumMg: 999999 }, "sodiumMg", "must be 20000 mg/day or less"],
      [{ fibreG: "lots" }, "fibreG", "must be a number"],
      [{ recordedOn: "2999-01-01" }, "recordedOn", "cannot be in the future"],
      [{ recordedOn: "1950-06-01" }, "recordedOn", "before the patient's birth date"],
      [{ method: "guess" }, "method", "must be one of"],
    ] as [Record<string, unknown>, string, string][],
  },
];

describe.each(KINDS)("PATCH /api/patients/[id]/$kind/[entryId]", (k) => {
  it("a clinician's change is stored, returned and audited with the changed fields", async () => {
    const p = await patient();
    const e = await add(k.kind, p.id, k.create);
    const touchedBefore = (await db.patient.findUniqueOrThrow({ where: { id: p.id } })).updatedAt;
    const res = await patch(k.kind, p.id, e.id, k.good);
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ...k.good, id: e.id, patientId: p.id });
    // untouched fields keep their value
    for (const [f, v] of Object.entries(k.create)) if (!(f in k.good)) expect(body[f], f).toEqual(v);
    expect(await stored(k.kind, p.id)).toMatchObject({ ...k.create, ...k.good });
    const [a, ...more] = await auditRows(e.id);
    expect(more).toHaveLength(0);
    expect(a).toMatchObject({ action: k.action, entityType: k.entityType, entityId: e.id, patientId: p.id, userId: clinician.id, role: "clinician", outcome: "success" });
    expect((a.details as { changedFields: string[] }).changedFields.sort()).toEqual([...k.changed].sort());
    // the record's "recently changed" time moves with it
    expect((await db.patient.findUniqueOrThrow({ where: { id: p.id } })).updatedAt.getTime()).toBeGreaterThan(touchedBefore.getTime());
  });

  it.each(k.bad)("bad body %j → 400 naming %s, nothing changed, nothing audited", async (bad, field, message) => {
    const p = await patient("1960-01-01");
    const e = await add(k.kind, p.id, k.create);
    const res = await patch(k.kind, p.id, e.id, bad);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain(field);
    expect(error.message).toContain(message);
    expect(error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
    expect(await auditRows(e.id)).toHaveLength(0);
    expect(await stored(k.kind, p.id)).toMatchObject(k.create);
  });

  it("unknown fields, an empty patch and a non-JSON body are 400 with a message", async () => {
    const p = await patient();
    const e = await add(k.kind, p.id, k.create);
    const unknown = await patch(k.kind, p.id, e.id, { patientId: "00000000-0000-4000-8000-000000000000", colour: "red" });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.message).toMatch(/unknown fields: patientId, colour$/);
    const empty = await patch(k.kind, p.id, e.id, {});
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.message).toContain("give at least one field to change");
    const notJson = await patch(k.kind, p.id, e.id, undefined, clinicianCred, "{oops");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toContain("is not valid JSON");
    expect(await auditRows(e.id)).toHaveLength(0);
  });

  it("an unknown entry, or another patient's entry, is 404 and that entry stays as it was", async () => {
    const mine = await patient();
    const other = await patient();
    const theirs = await add(k.kind, other.id, k.create);
    const unknown = await patch(k.kind, mine.id, "00000000-0000-4000-8000-00000000abcd", k.good);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatchObject({ code: "not_found", message: expect.stringContaining("00000000-0000-4000-8000-00000000abcd") });
    // the other patient's entry addressed under my record
    const cross = await patch(k.kind, mine.id, theirs.id, k.good);
    expect(cross.status).toBe(404);
    expect(await stored(k.kind, other.id)).toMatchObject(k.create);
    expect(await auditRows(theirs.id)).toHaveLength(0);
    // a malformed entry id is a 400 naming the parameter
    const badId = await patch(k.kind, mine.id, "42", k.good);
    expect(badId.status).toBe(400);
    expect((await badId.json()).error.message).toContain("entryId");
  });

  it("a researcher is refused (403) and an anonymous caller must sign in (401); nothing changes", async () => {
    const p = await patient();
    const e = await add(k.kind, p.id, k.create);
    const r = await patch(k.kind, p.id, e.id, k.good, researcherCred);
    expect(r.status).toBe(403);
    expect((await r.json()).error.code).toBe("forbidden");
    const anon = await patch(k.kind, p.id, e.id, k.good, null);
    expect(anon.status).toBe(401);
    expect(await stored(k.kind, p.id)).toMatchObject(k.create);
    expect(await auditRows(e.id)).toHaveLength(0);
  });
});

describe("PATCH /api/patients/[id]/conditions/[entryId] (same rules)", () => {
  it("a code system changed alone must still fit the stored code; a good change is audited with its fields", async () => {
    const p = await patient();
    const c = await add("conditions", p.id, { code: "I10", display: "Essential hypertension" });
    const bad = await patch("conditions", p.id, c.id, { codeSystem: "SNOMED" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("I10 is not a SNOMED CT concept id");
    const ok = await patch("conditions", p.id, c.id, { codeSystem: "SNOMED", code: "38341003", status: "active" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ codeSystem: "SNOMED", code: "38341003", status: "active" });
    const [a] = await auditRows(c.id);
    expect(a).toMatchObject({ action: "condition.update", patientId: p.id });
    expect((a.details as { changedFields: string[] }).changedFields.sort()).toEqual(["code", "codeSystem"]);
  });
});
