// Issue 10, Low 16: the audit stored the text of patient searches, so admins (who may not see
// patients) could read surnames and MRNs in the audit search page and its FHIR export. The row now
// holds a redacted form: the kind of text, its length and a keyed hash (HMAC with a server key
// that is not in the database). Real handlers, PostgreSQL and the embedded database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync, rmSync, statSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = ctx({}) as never;
const asText = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

const dataDir = mkdtempSync(join(tmpdir(), "fcds-audit-key-"));
process.env.FUSION_DATA_DIR = dataDir;
delete process.env.FUSION_AUDIT_HMAC_KEY;

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe.each(engines)("patient search text in the audit trail (%s)", (_name, open) => {
  let e: TestEngine;
  let clinician: Cred;
  let admin: Cred;
  const h = {} as Record<string, Handler>;
  const search = async (q: string) => {
    const res = await h.listPatients(apiRequest("GET", `/api/patients?q=${encodeURIComponent(q)}`, { cred: clinician }), noParams);
    expect(res.status).toBe(200);
    return (await e.prisma.auditEvent.findFirst({ where: { action: "patient.search" }, orderBy: { id: "desc" } }))!;
  };

  beforeAll(async () => {
    e = await open();
    bindAppDb(e);
    clinician = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    admin = await sessionFor(e.prisma, (await makeUser(e.prisma, "admin")).id);
    await e.prisma.patient.create({ data: { mrn: "DEMO-00123", givenName: "Zebedee", familyName: "Quasimodo", birthDate: new Date("1931-02-03"), sex: "male" } });
    h.listPatients = (await import("@/app/api/patients/route")).GET as Handler;
    h.audit = (await import("@/app/api/admin/audit/route")).GET as Handler;
    h.fhir = (await import("@/app/api/admin/audit/fhir/route")).GET as Handler;
  });

  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  it("stores the kind, the length and a keyed hash — not the text", async () => {
    const row = await search("Quasimodo");
    expect(asText(row)).not.toMatch(/quasimodo/i);
    expect((row.details as { q: unknown }).q).toEqual({ kind: "name", length: 9, hmac: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const mrn = await search("DEMO-00123");
    expect(asText(mrn)).not.toContain("00123");
    expect((mrn.details as { q: unknown }).q).toMatchObject({ kind: "identifier", length: 10 });
    expect((await search("")).details).toMatchObject({ q: { kind: "empty", length: 0 } });
  });

  it("the same text (any case) gives the same hash, so repeated lookups can be seen; another text another hash", async () => {
    const a = (await search("Quasimodo")).details as { q: { hmac: string } };
    const b = (await search("  quasiMODO ")).details as { q: { hmac: string } };
    const c = (await search("Quasimoda")).details as { q: { hmac: string } };
    expect(b.q.hmac).toBe(a.q.hmac);
    expect(c.q.hmac).not.toBe(a.q.hmac);
  });

  it("the key is generated once into the data directory, readable by the owner only", () => {
    const file = join(dataDir, "audit-hmac.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim().length).toBeGreaterThanOrEqual(43);
  });

  it("admins' audit search and FHIR export never show the text, including rows written before this change", async () => {
    const current = ((await search("Quasimodo")).details as { q: unknown }).q;
    // a row as the old code wrote it
    await e.prisma.auditEvent.create({ data: { action: "patient.search", outcome: "success", username: "old.code", details: { q: "Quasimodo", page: 1, returned: 1 } } });
    const res = await h.audit(apiRequest("GET", "/api/admin/audit?action=patient.search&pageSize=100", { cred: admin }), noParams);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(asText(body)).not.toMatch(/quasimodo/i);
    const legacy = body.items.find((i: { username: string }) => i.username === "old.code");
    expect(legacy.details.q).toEqual(current); // shown as a new row is: kind, length, hash

    const fhir = await h.fhir(apiRequest("GET", "/api/admin/audit/fhir?action=patient.search", { cred: admin }), noParams);
    expect(fhir.status).toBe(200);
    expect(await fhir.text()).not.toMatch(/quasimodo/i);
  });
});
