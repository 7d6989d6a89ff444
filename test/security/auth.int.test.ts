// Sign-in, sessions, CSRF, audit trail — against a real PostgreSQL database, through the
// real route handlers.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "../support/pg-database";
import type * as Fixtures from "../support/auth-fixtures";
import { markPeerHeaderTrusted, PEER_HEADER } from "@/lib/auth/client-address.mjs";

vi.mock("server-only", () => ({}));
// requests arrive as scripts/server.mjs hands them on: the socket's address in PEER_HEADER
markPeerHeaderTrusted();

let tdb: TestDatabase;
let db: PrismaClient;
let fx: typeof Fixtures;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (req: Request, ctx: any) => Promise<Response>;
let login: Handler;
let logout: Handler;
let logoutAll: Handler;
let session: Handler;
let patients: Handler;
let auditApi: Handler;
let fhirApi: Handler;
let usersApi: { GET: Handler; POST: Handler };
let userPatch: Handler;
let passwordApi: Handler;
const noParams = { params: Promise.resolve({}) };

let ipSeq = 0;
const freshIp = () => `10.9.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

function loginReq(username: string, password: string, headers: Record<string, string> = {}) {
  return new Request("http://localhost:3000/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json", host: "localhost:3000", [PEER_HEADER]: freshIp(), ...headers },
    body: JSON.stringify({ username, password }),
  });
}

/** Cookies a browser would keep from a login response. */
function credFrom(res: Response): Fixtures.Cred {
  const jar = Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(";")[0].split("=") as [string, string]));
  return { cookie: `fcds_session=${jar.fcds_session}; fcds_csrf=${jar.fcds_csrf}`, csrf: decodeURIComponent(jar.fcds_csrf), sessionId: "", token: jar.fcds_session };
}

const lastAudit = (where: Record<string, unknown>) => db.auditEvent.findFirst({ where, orderBy: { id: "desc" } });

beforeAll(async () => {
  tdb = await createTestDatabase("security_auth");
  process.env.DATABASE_URL = tdb.url;
  db = await (await import("@/lib/db/client")).prisma();
  fx = await import("../support/auth-fixtures");
  login = (await import("@/app/api/auth/login/route")).POST;
  logout = (await import("@/app/api/auth/logout/route")).POST;
  logoutAll = (await import("@/app/api/auth/logout-everywhere/route")).POST;
  session = (await import("@/app/api/auth/session/route")).GET;
  patients = (await import("@/app/api/patients/route")).GET;
  auditApi = (await import("@/app/api/admin/audit/route")).GET;
  fhirApi = (await import("@/app/api/admin/audit/fhir/route")).GET;
  usersApi = await import("@/app/api/admin/users/route");
  userPatch = (await import("@/app/api/admin/users/[id]/route")).PATCH;
  passwordApi = (await import("@/app/api/auth/password/route")).POST;
});

afterAll(async () => {
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await tdb?.drop();
});

describe("sign-in", () => {
  it("success: 200, session + CSRF cookies with the right flags, session row, audit row", async () => {
    const u = await fx.makeUser(db, "clinician", "signin.ok");
    const res = await login(loginReq("Signin.OK ", u.password, { [PEER_HEADER]: "203.0.113.7" }), noParams);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user).toEqual({ username: "signin.ok", displayName: "Test clinician", role: "clinician" });
    expect(JSON.stringify(body)).not.toContain("passwordHash");
    const [sc, cc] = res.headers.getSetCookie();
    expect(sc).toMatch(/^fcds_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; SameSite=Lax; HttpOnly$/);
    expect(cc).toMatch(/^fcds_csrf=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; SameSite=Lax$/);
    const cred = credFrom(res);
    const s = await db.session.findFirstOrThrow({ where: { userId: u.id } });
    expect(s.tokenHash).not.toBe(cred.token); // only the hash is stored
    expect(s.expiresAt.getTime() - s.createdAt.getTime()).toBe(8 * 3600_000);
    const a = await lastAudit({ action: "auth.login", userId: u.id });
    expect(a).toMatchObject({ outcome: "success", username: "signin.ok", role: "clinician", clientAddress: "203.0.113.7", entityType: "User" });
  });

  it("Secure cookies when the request arrived over TLS", async () => {
    const u = await fx.makeUser(db, "researcher", "signin.tls");
    // TLS ends at the reverse proxy on loopback, which says so in X-Forwarded-Proto
    const res = await login(loginReq(u.username, u.password, { [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": freshIp(), "x-forwarded-proto": "https" }), noParams);
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie();
    expect(set.every((c) => c.includes("; Secure"))).toBe(true);
    const token = set[0].match(/^__Host-fcds_session=([^;]+)/)?.[1];
    expect(token).toBeTruthy();
    // the __Host- cookie authenticates
    const me = await session(new Request("https://localhost:3000/api/auth/session", { headers: { cookie: `__Host-fcds_session=${token}` } }), noParams);
    expect(me.status).toBe(200);
  });

  it("wrong password and unknown user: same 401, no cookie, audited as failures", async () => {
    const u = await fx.makeUser(db, "clinician", "signin.bad");
    const r1 = await login(loginReq(u.username, "wrong password here", { [PEER_HEADER]: "198.51.100.1" }), noParams);
    const r2 = await login(loginReq("nobody.here", "wrong password here"), noParams);
    expect([r1.status, r2.status]).toEqual([401, 401]);
    const [b1, b2] = [await r1.json(), await r2.json()];
    expect(b1).toEqual(b2); // no username enumeration
    expect(b1.error.code).toBe("invalid_credentials");
    expect(r1.headers.getSetCookie()).toEqual([]);
    expect(await lastAudit({ action: "auth.login", username: "signin.bad" })).toMatchObject({
      outcome: "failure",
      userId: u.id,
      clientAddress: "198.51.100.1",
      details: expect.objectContaining({ cause: "bad_password" }),
    });
    expect(await lastAudit({ action: "auth.login", username: "nobody.here" })).toMatchObject({ outcome: "failure", userId: null, details: expect.objectContaining({ cause: "unknown_user" }) });
  });

  it("a malformed body is a 400 without internals", async () => {
    const res = await login(new Request("http://localhost:3000/api/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" }), noParams);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toMatch(/at .*\.ts|SyntaxError|prisma|SELECT/i);
  });

  it("login CSRF: a cross-origin sign-in is refused", async () => {
    const u = await fx.makeUser(db, "clinician", "signin.xorigin");
    const res = await login(loginReq(u.username, u.password, { origin: "https://evil.example" }), noParams);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("csrf_failed");
  });

  it("an HTML form sign-in redirects to a safe `next`", async () => {
    const u = await fx.makeUser(db, "clinician", "signin.form");
    const form = (next: string) =>
      new Request("http://localhost:3000/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", [PEER_HEADER]: freshIp() },
        body: new URLSearchParams({ username: u.username, password: u.password, next }).toString(),
      });
    const ok = await login(form("/patients?q=a"), noParams);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/patients?q=a");
    const evil = await login(form("//evil.example/x"), noParams);
    expect(evil.headers.get("location")).toBe("/");
  });
});

// Throttling of failed sign-ins (which replaced lockout): sign-in-throttle.int.test.ts, both engines.

describe("sessions", () => {
  it("idle timeout (15 min): an idle session is refused and revoked", async () => {
    const u = await fx.makeUser(db, "clinician");
    const cred = await fx.sessionFor(db, u.id);
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams)).status).toBe(200);
    await db.session.update({ where: { id: cred.sessionId }, data: { lastSeenAt: new Date(Date.now() - 15 * 60_000 - 1000) } });
    const res = await session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams);
    expect(res.status).toBe(401);
    expect((await db.session.findUniqueOrThrow({ where: { id: cred.sessionId } })).revokedAt).not.toBeNull();
  });

  it("activity keeps a session alive: lastSeenAt is refreshed", async () => {
    const u = await fx.makeUser(db, "clinician");
    const cred = await fx.sessionFor(db, u.id);
    const old = new Date(Date.now() - 10 * 60_000);
    await db.session.update({ where: { id: cred.sessionId }, data: { lastSeenAt: old } });
    const res = await session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams);
    expect(res.status).toBe(200);
    const s = await db.session.findUniqueOrThrow({ where: { id: cred.sessionId } });
    expect(s.lastSeenAt.getTime()).toBeGreaterThan(old.getTime() + 9 * 60_000);
    const body = await res.json();
    expect(new Date(body.idleExpiresAt).getTime()).toBeLessThanOrEqual(new Date(body.expiresAt).getTime());
  });

  it("absolute timeout (8 h): refused however active", async () => {
    const u = await fx.makeUser(db, "clinician");
    const cred = await fx.sessionFor(db, u.id);
    await db.session.update({ where: { id: cred.sessionId }, data: { expiresAt: new Date(Date.now() - 1000), lastSeenAt: new Date() } });
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams)).status).toBe(401);
  });

  it("ended sessions are purged after the retention period, live ones kept", async () => {
    const { purgeEndedSessions } = await import("@/lib/auth/sessions");
    const u = await fx.makeUser(db, "clinician");
    const [old, live] = [await fx.sessionFor(db, u.id), await fx.sessionFor(db, u.id)];
    await db.session.update({ where: { id: old.sessionId }, data: { revokedAt: new Date(Date.now() - 31 * 86_400_000) } });
    expect(await purgeEndedSessions(db, 30)).toBeGreaterThanOrEqual(1);
    expect(await db.session.findUnique({ where: { id: old.sessionId } })).toBeNull();
    expect(await db.session.findUnique({ where: { id: live.sessionId } })).not.toBeNull();
  });

  it("a disabled user's sessions stop working at once", async () => {
    const u = await fx.makeUser(db, "clinician");
    const cred = await fx.sessionFor(db, u.id);
    await db.user.update({ where: { id: u.id }, data: { disabled: true } });
    expect((await patients(fx.apiRequest("GET", "/api/patients", { cred }), noParams)).status).toBe(401);
  });

  it("logout revokes the session server-side and clears the cookies", async () => {
    const u = await fx.makeUser(db, "researcher");
    const cred = await fx.sessionFor(db, u.id);
    const res = await logout(fx.apiRequest("POST", "/api/auth/logout", { cred }), noParams);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().every((c) => c.includes("Max-Age=0"))).toBe(true);
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams)).status).toBe(401);
    expect(await lastAudit({ action: "auth.logout", userId: u.id })).toMatchObject({ outcome: "success" });
  });

  it("logout everywhere revokes every session of the user, not other users'", async () => {
    const u = await fx.makeUser(db, "clinician");
    const other = await fx.makeUser(db, "clinician");
    const [a, b, c] = [await fx.sessionFor(db, u.id), await fx.sessionFor(db, u.id), await fx.sessionFor(db, u.id)];
    const o = await fx.sessionFor(db, other.id);
    const res = await logoutAll(fx.apiRequest("POST", "/api/auth/logout-everywhere", { cred: a }), noParams);
    expect(res.status).toBe(200);
    expect((await res.json()).revoked).toBe(3);
    for (const cred of [a, b, c]) expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams)).status).toBe(401);
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred: o }), noParams)).status).toBe(200);
  });

  it("HTML form logout (token in the _csrf field) redirects to /login", async () => {
    const u = await fx.makeUser(db, "clinician");
    const cred = await fx.sessionFor(db, u.id);
    const res = await logout(
      new Request("http://localhost:3000/api/auth/logout", {
        method: "POST",
        headers: { cookie: cred.cookie, origin: "http://localhost:3000", host: "localhost:3000", "content-type": "application/x-www-form-urlencoded" },
        body: `_csrf=${encodeURIComponent(cred.csrf)}`,
      }),
      noParams,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?signedOut=1");
  });
});

describe("own account", () => {
  it("lists the user's active sessions, marking the current one", async () => {
    const u = await fx.makeUser(db, "researcher");
    const [a, b] = [await fx.sessionFor(db, u.id), await fx.sessionFor(db, u.id)];
    await logout(fx.apiRequest("POST", "/api/auth/logout", { cred: b }), noParams);
    const body = await (await session(fx.apiRequest("GET", "/api/auth/session", { cred: a }), noParams)).json();
    expect(body.sessions).toHaveLength(1);
    expect(body.sessions[0]).toMatchObject({ id: a.sessionId, current: true, clientAddress: "127.0.0.1" });
  });

  it("password change needs the current password, meets the policy, and ends the other sessions", async () => {
    const u = await fx.makeUser(db, "clinician", "pw.change");
    const [a, b] = [await fx.sessionFor(db, u.id), await fx.sessionFor(db, u.id)];
    const call = (currentPassword: string, newPassword: string) =>
      passwordApi(fx.apiRequest("POST", "/api/auth/password", { cred: a, body: { currentPassword, newPassword } }), noParams);
    const wrong = await call("not my password", "a brand new passphrase");
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.details.issues[0].path).toBe("currentPassword");
    const weak = await call(u.password, "password1234");
    expect(weak.status).toBe(400);
    expect((await weak.json()).error.details.issues[0].path).toBe("newPassword");
    const ok = await call(u.password, "a brand new passphrase");
    expect(ok.status).toBe(200);
    expect((await ok.json()).revokedOtherSessions).toBe(1);
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred: a }), noParams)).status).toBe(200);
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred: b }), noParams)).status).toBe(401);
    expect((await login(loginReq(u.username, u.password), noParams)).status).toBe(401);
    expect((await login(loginReq(u.username, "a brand new passphrase"), noParams)).status).toBe(200);
    const audits = await db.auditEvent.findMany({ where: { action: "auth.password_change", userId: u.id }, orderBy: { id: "asc" } });
    expect(audits.map((r) => r.outcome)).toEqual(["failure", "failure", "success"]);
  });
});

describe("CSRF on mutations", () => {
  it("refuses a mutation without the token, with a wrong token, or from another origin", async () => {
    const u = await fx.makeUser(db, "clinician");
    const cred = await fx.sessionFor(db, u.id);
    const post = (headers: Record<string, string>) =>
      logout(new Request("http://localhost:3000/api/auth/logout", { method: "POST", headers: { host: "localhost:3000", cookie: cred.cookie, ...headers } }), noParams);
    const attempts: Record<string, string>[] = [{}, { "x-csrf-token": "forged" }, { "x-csrf-token": cred.csrf, origin: "https://evil.example" }, { "x-csrf-token": cred.csrf, "sec-fetch-site": "cross-site" }];
    for (const h of attempts) {
      const res = await post(h);
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("csrf_failed");
    }
    // the session survived all of that
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams)).status).toBe(200);
    // a cookie-only token (the header copied from a different session) fails too
    const other = await fx.sessionFor(db, u.id);
    expect((await post({ "x-csrf-token": other.csrf, origin: "http://localhost:3000" })).status).toBe(403);
    expect((await post({ "x-csrf-token": cred.csrf, origin: "http://localhost:3000" })).status).toBe(200);
  });
});

describe("audit trail", () => {
  it("is append-only: UPDATE, DELETE and TRUNCATE fail, also for the table owner", async () => {
    const u = await fx.makeUser(db, "clinician");
    await login(loginReq(u.username, u.password), noParams);
    const row = await lastAudit({ action: "auth.login", userId: u.id });
    await expect(db.auditEvent.update({ where: { id: row!.id }, data: { outcome: "failure" } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.delete({ where: { id: row!.id } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    const c = new pg.Client({ connectionString: tdb.url });
    await c.connect();
    try {
      await expect(c.query(`UPDATE "AuditEvent" SET "action" = 'x' WHERE id = $1`, [row!.id.toString()])).rejects.toThrow(/append-only/);
      await expect(c.query(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
      await expect(c.query(`TRUNCATE "AuditEvent"`)).rejects.toThrow(/append-only/);
    } finally {
      await c.end();
    }
    expect(await db.auditEvent.findUnique({ where: { id: row!.id } })).toMatchObject({ outcome: "success", action: "auth.login" });
  });

  it("access refused by role is audited as denied", async () => {
    const r = await fx.makeUser(db, "researcher");
    const cred = await fx.sessionFor(db, r.id);
    const res = await patients(fx.apiRequest("GET", "/api/patients?q=smith", { cred }), noParams);
    expect(res.status).toBe(403);
    expect(await lastAudit({ action: "access.denied", userId: r.id })).toMatchObject({
      outcome: "denied",
      role: "researcher",
      details: { permission: "patient:read", method: "GET", path: "/api/patients" },
    });
  });

  it("admins search it (and the search is itself audited) and export it as a FHIR R4 Bundle", async () => {
    const admin = await fx.makeUser(db, "admin", "audit.admin");
    const cred = await fx.sessionFor(db, admin.id);
    for (let i = 0; i < 6; i++) await login(loginReq(`audit.ghost${i}`, "not the password"), noParams);
    const res = await auditApi(fx.apiRequest("GET", "/api/admin/audit?action=auth.login&outcome=failure&pageSize=5", { cred }), noParams);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body.total).toBeGreaterThan(3);
    expect(body.items).toHaveLength(5);
    expect(body.items.every((i: { action: string; outcome: string }) => i.action === "auth.login" && i.outcome === "failure")).toBe(true);
    expect(await lastAudit({ action: "audit.search", userId: admin.id })).toBeTruthy();
    const bad = await auditApi(fx.apiRequest("GET", "/api/admin/audit?patientId=not-a-uuid", { cred }), noParams);
    expect(bad.status).toBe(400);

    const f = await fhirApi(fx.apiRequest("GET", "/api/admin/audit/fhir?action=auth.", { cred }), noParams);
    expect(f.status).toBe(200);
    expect(f.headers.get("content-type")).toContain("application/fhir+json");
    const bundle = await f.json();
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "searchset" });
    expect(bundle.entry.length).toBeGreaterThan(5);
    const ev = bundle.entry[0].resource;
    expect(ev).toMatchObject({ resourceType: "AuditEvent", type: { code: "110114" } });
    expect(["0", "4", "8"]).toContain(ev.outcome);
    expect(await lastAudit({ action: "audit.export", userId: admin.id })).toBeTruthy();
  });
});

describe("user administration", () => {
  it("creates users under the password policy; disabling ends their sessions", async () => {
    const admin = await fx.makeUser(db, "admin");
    const cred = await fx.sessionFor(db, admin.id);
    const weak = await usersApi.POST(fx.apiRequest("POST", "/api/admin/users", { cred, body: { username: "new.doc", displayName: "New Doc", role: "clinician", password: "password1234" } }), noParams);
    expect(weak.status).toBe(400);
    expect((await weak.json()).error.details.issues[0].path).toBe("password");
    const ok = await usersApi.POST(
      fx.apiRequest("POST", "/api/admin/users", { cred, body: { username: "new.doc", displayName: "New Doc", role: "clinician", password: "a sensible passphrase" } }),
      noParams,
    );
    expect(ok.status).toBe(201);
    const created = (await ok.json()).user;
    expect(created).not.toHaveProperty("passwordHash");
    const dup = await usersApi.POST(
      fx.apiRequest("POST", "/api/admin/users", { cred, body: { username: "new.doc", displayName: "X", role: "clinician", password: "another passphrase" } }),
      noParams,
    );
    expect(dup.status).toBe(409);
    const docCred = await fx.sessionFor(db, created.id);
    const dis = await userPatch(fx.apiRequest("PATCH", `/api/admin/users/${created.id}`, { cred, body: { disabled: true } }), fx.ctx({ id: created.id }));
    expect(dis.status).toBe(200);
    expect((await dis.json()).revokedSessions).toBe(1);
    expect((await session(fx.apiRequest("GET", "/api/auth/session", { cred: docCred }), noParams)).status).toBe(401);
    const self = await userPatch(fx.apiRequest("PATCH", `/api/admin/users/${admin.id}`, { cred, body: { disabled: true } }), fx.ctx({ id: admin.id }));
    expect(self.status).toBe(409);
    const list = await usersApi.GET(fx.apiRequest("GET", "/api/admin/users", { cred }), noParams);
    expect(JSON.stringify(await list.json())).not.toContain("argon2");
  });

  it("ensureDemoUsers is idempotent and creates nothing on a network address unless FUSION_DEMO_USERS=1", async () => {
    const { ensureDemoUsers } = await import("@/lib/auth/users");
    const loopback = { NODE_ENV: "test", HOSTNAME: "127.0.0.1" } as const;
    const first = await ensureDemoUsers(db, loopback);
    expect(first.filter((u) => u.created).map((u) => u.username).sort()).toEqual(["admin.demo", "dr.demo", "researcher.demo"]);
    const again = await ensureDemoUsers(db, loopback);
    expect(again.map((u) => [u.username, u.role, u.created])).toEqual([
      ["dr.demo", "clinician", false],
      ["researcher.demo", "researcher", false],
      ["admin.demo", "admin", false],
    ]);
    expect(await ensureDemoUsers(db, { NODE_ENV: "production", HOSTNAME: "0.0.0.0" })).toEqual([]);
    expect((await ensureDemoUsers(db, { NODE_ENV: "production", HOSTNAME: "0.0.0.0", FUSION_DEMO_USERS: "1" })).some((u) => u.created)).toBe(false);
    const saved = process.env.HOSTNAME;
    process.env.HOSTNAME = "127.0.0.1";
    try {
      const res = await login(loginReq("dr.demo", "demo-clinician-2026"), noParams);
      expect(res.status).toBe(200);
    } finally {
      if (saved === undefined) delete process.env.HOSTNAME;
      else process.env.HOSTNAME = saved;
    }
  });
});

describe("API answers", () => {
  it("carry the security headers themselves (the proxy does not run on /api), HSTS only over TLS", async () => {
    const res = await session(fx.apiRequest("GET", "/api/auth/session"), noParams);
    expect(res.status).toBe(401);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    const tls = await session(fx.apiRequest("GET", "/api/auth/session", { headers: { [PEER_HEADER]: "127.0.0.1", "x-forwarded-proto": "https" } }), noParams);
    // X-Forwarded-Proto from a client that is not a trusted proxy is not believed
    const forged = await session(fx.apiRequest("GET", "/api/auth/session", { headers: { [PEER_HEADER]: "198.51.100.1", "x-forwarded-proto": "https" } }), noParams);
    expect(forged.headers.get("strict-transport-security")).toBeNull();
    expect(tls.headers.get("strict-transport-security")).toMatch(/max-age=/);
  });
});
