// Issue 10, Medium 10: every JSON / form body is capped while it is read — a chunked body (no
// Content-Length) is cut off at the limit with 413, not read to its end first. Real route
// handlers, on PostgreSQL and on the embedded database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { bindAppDb, chunkedBody, streamingRequest, unbindAppDb } from "../support/app-engine";
import { ORIGIN, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: never) => Promise<Response>;
const noParams = { params: Promise.resolve({}) } as never;
const MiB = 1024 * 1024;

describe.each(engines)("request body limits (%s)", (_name, open) => {
  let e: TestEngine;
  let cred: Cred;
  let password: string;
  let username: string;
  let login: Handler;
  let loginMfa: Handler;
  let logout: Handler;
  let createPatient: Handler;

  beforeAll(async () => {
    e = await open();
    bindAppDb(e);
    const u = await makeUser(e.prisma, "clinician");
    username = u.username;
    password = u.password;
    cred = await sessionFor(e.prisma, u.id);
    login = (await import("@/app/api/auth/login/route")).POST as Handler;
    loginMfa = (await import("@/app/api/auth/login/mfa/route")).POST as Handler;
    logout = (await import("@/app/api/auth/logout/route")).POST as Handler;
    createPatient = (await import("@/app/api/patients/route")).POST as Handler;
  });

  afterAll(async () => {
    unbindAppDb();
    await e?.drop();
  });

  it("sign-in form: a chunked 64 MiB body is refused with 413 after at most the 8 KiB limit is read", async () => {
    const body = chunkedBody(64 * MiB);
    const res = await login(streamingRequest(`${ORIGIN}/api/auth/login`, body.stream, { "content-type": "application/x-www-form-urlencoded" }), noParams);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(body.pulled()).toBeLessThanOrEqual(8192 + body.chunk);
  });

  it("sign-in, second step (MFA code form): a chunked 64 MiB body is refused with 413 after at most its 4 KiB limit", async () => {
    const body = chunkedBody(64 * MiB);
    const res = await loginMfa(streamingRequest(`${ORIGIN}/api/auth/login/mfa`, body.stream, { "content-type": "application/x-www-form-urlencoded" }), noParams);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(4096 + body.chunk);
  });

  it("sign-in JSON: a chunked 64 MiB body is refused with 413 after at most the limit is read", async () => {
    const body = chunkedBody(64 * MiB, 0x20);
    const res = await login(streamingRequest(`${ORIGIN}/api/auth/login`, body.stream, { "content-type": "application/json" }), noParams);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(8192 + body.chunk);
  });

  it("a Content-Length that lies (small) does not raise the cap", async () => {
    const body = chunkedBody(64 * MiB);
    const req = streamingRequest(`${ORIGIN}/api/auth/login`, body.stream, { "content-type": "application/x-www-form-urlencoded", "content-length": "20" });
    const res = await login(req, noParams);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(8192 + body.chunk);
  });

  it("a declared Content-Length over the limit is refused before any byte is read", async () => {
    const body = chunkedBody(64 * MiB);
    const req = streamingRequest(`${ORIGIN}/api/auth/login`, body.stream, { "content-type": "application/x-www-form-urlencoded", "content-length": String(64 * MiB) });
    const res = await login(req, noParams);
    expect(res.status).toBe(413);
    expect(body.pulled()).toBe(0);
  });

  it("sign-out form (CSRF token read from the form body): a chunked 64 MiB body gets 413 after at most 64 KiB", async () => {
    const body = chunkedBody(64 * MiB);
    const res = await logout(
      streamingRequest(`${ORIGIN}/api/auth/logout`, body.stream, { "content-type": "application/x-www-form-urlencoded", cookie: cred.cookie, origin: ORIGIN }),
      noParams,
    );
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024 + body.chunk);
  });

  it("POST /api/patients: a chunked 64 MiB JSON body gets 413 after at most 1 MiB", async () => {
    const body = chunkedBody(64 * MiB, 0x20);
    const res = await createPatient(
      streamingRequest(`${ORIGIN}/api/patients`, body.stream, { "content-type": "application/json", cookie: cred.cookie, "x-csrf-token": cred.csrf, origin: ORIGIN }),
      noParams,
    );
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(MiB + body.chunk);
  });

  it("small bodies still work: form sign-in (303) and form sign-out with the _csrf field (303)", async () => {
    const form = new URLSearchParams({ username, password, next: "/patients" }).toString();
    const stream = new Blob([form]).stream();
    const res = await login(streamingRequest(`${ORIGIN}/api/auth/login`, stream, { "content-type": "application/x-www-form-urlencoded" }), noParams);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/patients");
    const out = await logout(
      new Request(`${ORIGIN}/api/auth/logout`, {
        method: "POST",
        headers: { host: "localhost:3000", "content-type": "application/x-www-form-urlencoded", cookie: cred.cookie, origin: ORIGIN },
        body: new URLSearchParams({ _csrf: cred.csrf }).toString(),
      }),
      noParams,
    );
    expect(out.status).toBe(303);
  });
});
