// Issue 10, Low 20: per-user limits on scan uploads and re-assessments (each one decodes an image
// and runs the model): N per minute per user (token bucket in the database, shared by every web
// process), 429 with Retry-After past it, checked before the body is read. Real handlers,
// PostgreSQL and the embedded database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, chunkedBody, streamingRequest, unbindAppDb } from "../support/app-engine";
import { ORIGIN, apiRequest, ctx, makeUser, sessionFor, type Cred, type TestUser } from "../support/auth-fixtures";
import { uploadRequest } from "../support/multipart";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;

describe.each(engines)("per-user limits on uploads and re-assessments (%s)", (_name, open) => {
  let e: TestEngine;
  let alice: TestUser;
  let aliceCred: Cred;
  let bobCred: Cred;
  let patientId: string;
  let upload: Handler;
  let reassess: Handler;

  beforeAll(async () => {
    process.env.FUSION_UPLOAD_LIMIT_PER_MINUTE = "3";
    process.env.FUSION_REASSESS_LIMIT_PER_MINUTE = "2";
    e = await open();
    bindAppDb(e);
    alice = await makeUser(e.prisma, "clinician");
    aliceCred = await sessionFor(e.prisma, alice.id);
    bobCred = await sessionFor(e.prisma, (await makeUser(e.prisma, "clinician")).id);
    patientId = (await e.prisma.patient.create({ data: { mrn: "RATE-1", givenName: "Ray", familyName: "Limit", birthDate: new Date("1970-01-01"), sex: "male" } })).id;
    upload = (await import("@/app/api/patients/[id]/scans/route")).POST as Handler;
    reassess = (await import("@/app/api/patients/[id]/assessments/route")).POST as Handler;
  });

  afterAll(async () => {
    delete process.env.FUSION_UPLOAD_LIMIT_PER_MINUTE;
    delete process.env.FUSION_REASSESS_LIMIT_PER_MINUTE;
    unbindAppDb();
    await e?.drop();
  });

  const headersOf = (c: Cred) => ({ cookie: c.cookie, "x-csrf-token": c.csrf, origin: ORIGIN, host: "localhost:3000" });
  // not an image: refused (4xx) after it is read — it still counts against the limit
  const junk = (c: Cred) => upload(uploadRequest(`${ORIGIN}/api/patients/${patientId}/scans`, { bytes: new TextEncoder().encode("not an image"), name: "x.txt", type: "text/plain" }, {}, headersOf(c)), ctx({ id: patientId }) as never);

  it("uploads: 3 a minute per user, the 4th is 429 with Retry-After before its body is read", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await junk(aliceCred);
      expect(r.status).not.toBe(429);
      expect(r.status).toBeGreaterThanOrEqual(400);
    }
    const body = chunkedBody(64 * 1024 * 1024);
    const res = await upload(
      streamingRequest(`${ORIGIN}/api/patients/${patientId}/scans`, body.stream, { ...headersOf(aliceCred), "content-type": "multipart/form-data; boundary=x" }),
      ctx({ id: patientId }) as never,
    );
    expect(res.status).toBe(429);
    expect((await res.json()).error.code).toBe("rate_limited");
    const after = Number(res.headers.get("retry-after"));
    expect(after).toBeGreaterThanOrEqual(1);
    expect(after).toBeLessThanOrEqual(20);
    expect(body.pulled()).toBe(0);
    // another user is not affected
    expect((await junk(bobCred)).status).not.toBe(429);
    // the refusal is audited
    expect(await e.prisma.auditEvent.findFirst({ where: { action: "access.rate_limited", userId: alice.id } })).toMatchObject({ outcome: "denied", details: expect.objectContaining({ status: 429 }) });
  });

  it("re-assessments: 2 a minute per user, then 429 with Retry-After", async () => {
    const ask = (c: Cred) => reassess(apiRequest("POST", `/api/patients/${patientId}/assessments`, { cred: c, body: { scanId: "not-a-uuid" } }), ctx({ id: patientId }) as never);
    expect((await ask(aliceCred)).status).toBe(400);
    expect((await ask(aliceCred)).status).toBe(400);
    const res = await ask(aliceCred);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await ask(bobCred)).status).toBe(400);
  });

  it("the bucket refills at N per minute, and parallel requests cannot overdraw it", async () => {
    const { takeActionToken } = await import("@/lib/auth/action-limit");
    const cfg = { perMinute: 6, burst: 3 };
    const t0 = new Date("2030-01-01T00:00:00Z");
    const u = (await makeUser(e.prisma, "clinician")).id;
    const results = await Promise.all(Array.from({ length: 10 }, () => takeActionToken(e.prisma, u, "test.action", cfg, t0)));
    expect(results.filter((r) => r.ok).length).toBe(3);
    const denied = results.find((r) => !r.ok)!;
    expect(denied).toEqual({ ok: false, retryAfterSeconds: 10 }); // one token per 10 s
    expect((await takeActionToken(e.prisma, u, "test.action", cfg, new Date(t0.getTime() + 9_000))).ok).toBe(false);
    expect((await takeActionToken(e.prisma, u, "test.action", cfg, new Date(t0.getTime() + 10_000))).ok).toBe(true);
    expect((await takeActionToken(e.prisma, u, "test.action", cfg, new Date(t0.getTime() + 10_000))).ok).toBe(false);
    // a long pause refills to the burst, not beyond
    const later = new Date(t0.getTime() + 3_600_000);
    const burst = await Promise.all(Array.from({ length: 5 }, () => takeActionToken(e.prisma, u, "test.action", cfg, later)));
    expect(burst.filter((r) => r.ok).length).toBe(3);
  });
});
