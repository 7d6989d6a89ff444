// Issue 10 M13: a password was all it took, admins included. TOTP (RFC 6238, otpauth) second factor:
// required for admins, optional for others, recovery codes, replay refused, secrets encrypted at
// rest, sign-in in two steps. Real route handlers, both engines.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { markPeerHeaderTrusted, PEER_HEADER } from "@/lib/auth/client-address.mjs";
import type { Cred, TestUser } from "../support/auth-fixtures";

vi.mock("server-only", () => ({}));
markPeerHeaderTrusted();

type Handler = (req: Request, ctx: unknown) => Promise<Response>;
const noParams = { params: Promise.resolve({}) };
const loopbackEnv = process.env.HOSTNAME;

describe.each(engines)("MFA on %s", (name, make) => {
  let eng: TestEngine;
  let fx: typeof import("../support/auth-fixtures");
  let mfa: typeof import("@/lib/auth/mfa");
  const h = {} as Record<string, Handler>;
  const net = name === "postgres" ? 51 : 52;
  let seq = 0;
  const addr = () => `192.0.${net}.${++seq}`;
  const json = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    new Request(`http://localhost:3000${url}`, {
      method: "POST",
      headers: { "content-type": "application/json", host: "localhost:3000", [PEER_HEADER]: headers[PEER_HEADER] ?? addr(), ...headers },
      body: JSON.stringify(body),
    });
  const passwordStep = (u: { username: string; password: string }, address = addr()) => h.login(json("/api/auth/login", u, { [PEER_HEADER]: address }), noParams);
  const codeStep = (body: Record<string, string>, address = addr()) => h.loginMfa(json("/api/auth/login/mfa", body, { [PEER_HEADER]: address }), noParams);
  const credOf = (res: Response): Cred => {
    const jar = Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(";")[0].split("=") as [string, string]));
    return { cookie: `fcds_session=${jar.fcds_session}; fcds_csrf=${jar.fcds_csrf}`, csrf: decodeURIComponent(jar.fcds_csrf), sessionId: "", token: jar.fcds_session };
  };
  /** Codes of successive time steps (each step's code is accepted once). */
  const codes = (secret: string) => {
    let step = mfa.timeStep(Date.now()) - 1;
    return () => {
      step = Math.max(step + 1, mfa.timeStep(Date.now()));
      return mfa.totpCode(secret, step * 30_000 + 1000);
    };
  };
  /** Password, then code: the session's credentials. */
  async function signInWithMfa(u: TestUser, code: string, address = addr()) {
    const first = await passwordStep(u, address);
    expect(first.status).toBe(200);
    const { mfaToken } = await first.json();
    const res = await codeStep({ mfaToken, code }, address);
    return res;
  }

  beforeAll(async () => {
    eng = await make();
    routeHandlersUse(eng);
    fx = await import("../support/auth-fixtures");
    mfa = await import("@/lib/auth/mfa");
    h.login = (await import("@/app/api/auth/login/route")).POST as Handler;
    h.loginMfa = (await import("@/app/api/auth/login/mfa/route")).POST as Handler;
    h.users = (await import("@/app/api/admin/users/route")).GET as Handler;
    h.userPatch = (await import("@/app/api/admin/users/[id]/route")).PATCH as Handler;
    h.session = (await import("@/app/api/auth/session/route")).GET as Handler;
    h.status = (await import("@/app/api/auth/mfa/route")).GET as Handler;
    h.enrol = (await import("@/app/api/auth/mfa/enrol/route")).POST as Handler;
    h.confirm = (await import("@/app/api/auth/mfa/confirm/route")).POST as Handler;
    h.recovery = (await import("@/app/api/auth/mfa/recovery-codes/route")).POST as Handler;
    h.disable = (await import("@/app/api/auth/mfa/disable/route")).POST as Handler;
    h.logout = (await import("@/app/api/auth/logout/route")).POST as Handler;
  });
  afterAll(async () => {
    routeHandlersRelease();
    if (loopbackEnv === undefined) delete process.env.HOSTNAME;
    else process.env.HOSTNAME = loopbackEnv;
    await eng?.drop();
  });

  it("an admin without MFA who signs in with the password alone can do nothing but enrol", async () => {
    const admin = await fx.makeUser(eng.prisma, "admin", `noenrol.${net}`, { mfa: false });
    const res = await passwordStep(admin);
    expect(res.status).toBe(200);
    expect((await res.clone().json()).mfaEnrolmentRequired).toBe(true);
    const cred = credOf(res);
    const list = await h.users(fx.apiRequest("GET", "/api/admin/users", { cred }), noParams);
    expect(list.status).toBe(403);
    expect((await list.json()).error.code).toBe("mfa_enrolment_required");
    const me = await h.session(fx.apiRequest("GET", "/api/auth/session", { cred }), noParams);
    expect(me.status).toBe(200);
    expect((await me.json()).mfaEnrolmentRequired).toBe(true);
    expect((await h.status(fx.apiRequest("GET", "/api/auth/mfa", { cred }), noParams)).status).toBe(200);
    // the form sign-in goes straight to enrolment
    const form = await h.login(
      new Request("http://localhost:3000/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", [PEER_HEADER]: addr() },
        body: new URLSearchParams({ username: admin.username, password: admin.password, next: "/admin/users" }).toString(),
      }),
      noParams,
    );
    expect(form.status).toBe(303);
    expect(form.headers.get("location")).toBe("/account/mfa");
  });

  it("enrolment: a pending secret (encrypted), a first code turns it on, ten hashed recovery codes, other sessions end", async () => {
    const admin = await fx.makeUser(eng.prisma, "admin", `enrol.${net}`, { mfa: false });
    const cred = credOf(await passwordStep(admin));
    const other = await fx.sessionFor(eng.prisma, admin.id);
    const e = await h.enrol(fx.apiRequest("POST", "/api/auth/mfa/enrol", { cred }), noParams);
    expect(e.status).toBe(200);
    const { secret, otpauthUri, qrCode } = await e.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(`otpauth://totp/Fusion%20CDS:${admin.username}?issuer=Fusion%20CDS&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
    expect(qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(qrCode.split(",")[1], "base64").toString()).toMatch(/^<svg/);
    const row = await eng.prisma.user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(row.mfaEnabledAt).toBeNull();
    expect(row.mfaPendingSecret).toMatch(/^v1\./);
    expect(row.mfaPendingSecret).not.toContain(secret);
    const { decryptSecret } = await import("@/lib/auth/mfa-crypto");
    expect(decryptSecret(row.mfaPendingSecret!, admin.id)).toBe(secret);
    expect(() => decryptSecret(row.mfaPendingSecret!, other.sessionId)).toThrow(/cannot be decrypted/); // bound to the user's id

    const wrong = await h.confirm(fx.apiRequest("POST", "/api/auth/mfa/confirm", { cred, body: { code: "000000" } }), noParams);
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.details.issues[0].path).toBe("code");
    const ok = await h.confirm(fx.apiRequest("POST", "/api/auth/mfa/confirm", { cred, body: { code: mfa.totpCode(secret) } }), noParams);
    expect(ok.status).toBe(200);
    const { recoveryCodes, revokedOtherSessions } = await ok.json();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect(revokedOtherSessions).toBe(1);
    const stored = await eng.prisma.mfaRecoveryCode.findMany({ where: { userId: admin.id } });
    expect(stored).toHaveLength(10);
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.codeHash) && !recoveryCodes.includes(s.codeHash))).toBe(true);
    const enabled = await eng.prisma.user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(enabled.mfaEnabledAt).not.toBeNull();
    expect(enabled.mfaPendingSecret).toBeNull();
    expect(decryptSecret(enabled.mfaSecret!, admin.id)).toBe(secret);
    // the same session now works
    expect((await h.users(fx.apiRequest("GET", "/api/admin/users", { cred }), noParams)).status).toBe(200);
    expect((await h.session(fx.apiRequest("GET", "/api/auth/session", { cred: other }), noParams)).status).toBe(401);
    expect((await h.enrol(fx.apiRequest("POST", "/api/auth/mfa/enrol", { cred }), noParams)).status).toBe(409);
    const audits = await eng.prisma.auditEvent.findMany({ where: { userId: admin.id, action: { startsWith: "auth.mfa" } }, orderBy: { id: "asc" } });
    expect(audits.map((a) => `${a.action}:${a.outcome}`)).toEqual(["auth.mfa_enrol:success", "auth.mfa_enable:failure", "auth.mfa_enable:success"]);
  });

  it("sign-in is two steps once enrolled: no session after the password, the code creates it; a code is never accepted twice", async () => {
    const u = await fx.makeUser(eng.prisma, "admin", `twostep.${net}`);
    const next = codes(u.totpSecret!);
    const before = await eng.prisma.session.count({ where: { userId: u.id } });
    const first = await passwordStep(u);
    expect(first.status).toBe(200);
    const body = await first.json();
    expect(body).toMatchObject({ mfaRequired: true, mfaToken: expect.any(String) });
    expect(body.csrfToken).toBeUndefined();
    expect(first.headers.getSetCookie().some((c) => c.startsWith("fcds_session="))).toBe(false);
    expect(first.headers.getSetCookie().find((c) => c.startsWith("fcds_mfa="))).toMatch(/HttpOnly/);
    expect(await eng.prisma.session.count({ where: { userId: u.id } })).toBe(before);
    // a wrong code
    const bad = await codeStep({ mfaToken: body.mfaToken, code: "123456" });
    expect(bad.status).toBe(401);
    expect((await bad.json()).error.code).toBe("invalid_code");
    // the right one (the challenge also arrives by its cookie)
    const code = next();
    const ok = await h.loginMfa(
      new Request("http://localhost:3000/api/auth/login/mfa", {
        method: "POST",
        headers: { "content-type": "application/json", [PEER_HEADER]: addr(), cookie: `fcds_mfa=${body.mfaToken}` },
        body: JSON.stringify({ code }),
      }),
      noParams,
    );
    expect(ok.status).toBe(200);
    expect((await ok.clone().json()).user.username).toBe(u.username);
    expect((await h.users(fx.apiRequest("GET", "/api/admin/users", { cred: credOf(ok) }), noParams)).status).toBe(200);
    expect(await lastLogin(u.id)).toMatchObject({ outcome: "success", details: expect.objectContaining({ mfa: "totp" }) });
    // the challenge is single use
    const again = await codeStep({ mfaToken: body.mfaToken, code: mfa.totpCode(u.totpSecret!) });
    expect((await again.json()).error.code).toBe("mfa_challenge_expired");
    // replay: the same code with a fresh challenge is refused, the next step's code works
    const replay = await signInWithMfa(u, code);
    expect(replay.status).toBe(401);
    expect((await signInWithMfa(u, next())).status).toBe(200);
  });

  it("recovery codes: each signs in once", async () => {
    const u = await fx.makeUser(eng.prisma, "clinician", `recovery.${net}`, { mfa: false });
    const cred = await fx.sessionFor(eng.prisma, u.id);
    const { secret } = await (await h.enrol(fx.apiRequest("POST", "/api/auth/mfa/enrol", { cred }), noParams)).json();
    const { recoveryCodes } = await (await h.confirm(fx.apiRequest("POST", "/api/auth/mfa/confirm", { cred: await fx.sessionFor(eng.prisma, u.id), body: { code: mfa.totpCode(secret) } }), noParams)).json();
    const use = async (recoveryCode: string) => {
      const { mfaToken } = await (await passwordStep(u)).json();
      return codeStep({ mfaToken, recoveryCode });
    };
    expect((await use(recoveryCodes[3].toUpperCase().replace(/-/g, " "))).status).toBe(200);
    expect(await lastLogin(u.id)).toMatchObject({ outcome: "success", details: expect.objectContaining({ mfa: "recovery_code", recoveryCodesLeft: 9 }) });
    expect((await use(recoveryCodes[3])).status).toBe(401);
    const s = await h.status(fx.apiRequest("GET", "/api/auth/mfa", { cred: await fx.sessionFor(eng.prisma, u.id) }), noParams);
    expect(await s.json()).toMatchObject({ enabled: true, required: false, recoveryCodesLeft: 9 });
    // new codes need the password; the old ones stop working
    const c2 = await fx.sessionFor(eng.prisma, u.id);
    expect((await h.recovery(fx.apiRequest("POST", "/api/auth/mfa/recovery-codes", { cred: c2, body: { currentPassword: "not it at all" } }), noParams)).status).toBe(400);
    const fresh = await (await h.recovery(fx.apiRequest("POST", "/api/auth/mfa/recovery-codes", { cred: c2, body: { currentPassword: u.password } }), noParams)).json();
    expect(fresh.recoveryCodes).toHaveLength(10);
    expect((await use(recoveryCodes[4])).status).toBe(401);
    expect((await use(fresh.recoveryCodes[0])).status).toBe(200);
  });

  it("the challenge expires after 5 minutes and dies after 5 wrong codes", async () => {
    const u = await fx.makeUser(eng.prisma, "admin", `challenge.${net}`);
    const next = codes(u.totpSecret!);
    const a = addr();
    const { mfaToken } = await (await passwordStep(u, a)).json();
    await eng.prisma.mfaChallenge.updateMany({ where: { userId: u.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const late = await codeStep({ mfaToken, code: next() }, a);
    expect(late.status).toBe(401);
    expect((await late.json()).error.code).toBe("mfa_challenge_expired");
    const b = addr();
    const t2 = (await (await passwordStep(u, b)).json()).mfaToken;
    for (let i = 0; i < 4; i++) expect((await (await codeStep({ mfaToken: t2, code: String(100000 + i) }, b)).json()).error.code).toBe("invalid_code");
    expect((await (await codeStep({ mfaToken: t2, code: "100009" }, b)).json()).error.code).toBe("mfa_challenge_expired");
    expect((await codeStep({ mfaToken: t2, code: next() }, b)).status).toBe(401);
  });

  it("wrong codes are throttled like passwords: per (account, address), across challenges", async () => {
    const u = await fx.makeUser(eng.prisma, "admin", `mfathrottle.${net}`);
    const a = addr();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { mfaToken } = await (await passwordStep(u, a)).json();
      for (let j = 0; j < 3; j++) statuses.push((await codeStep({ mfaToken, code: String(200000 + i * 10 + j) }, a)).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toContain(429);
    const row = await eng.prisma.auditEvent.findFirst({ where: { userId: u.id, action: "auth.login", outcome: "denied" }, orderBy: { id: "desc" } });
    expect(row?.details).toMatchObject({ reason: "throttled", step: "mfa" });
    // from elsewhere the right code still works
    expect((await signInWithMfa(u, mfa.totpCode(u.totpSecret!))).status).toBe(200);
  });

  it("optional for others: a clinician signs in with the password alone, may turn MFA on and off; an admin may not turn it off", async () => {
    const c = await fx.makeUser(eng.prisma, "clinician", `optional.${net}`);
    const res = await passwordStep(c);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ mfaEnrolmentRequired: false });
    const cred = await fx.sessionFor(eng.prisma, c.id);
    const { secret } = await (await h.enrol(fx.apiRequest("POST", "/api/auth/mfa/enrol", { cred }), noParams)).json();
    const cred2 = await fx.sessionFor(eng.prisma, c.id);
    expect((await h.confirm(fx.apiRequest("POST", "/api/auth/mfa/confirm", { cred: cred2, body: { code: mfa.totpCode(secret) } }), noParams)).status).toBe(200);
    expect((await (await passwordStep(c)).json()).mfaRequired).toBe(true);
    expect((await h.disable(fx.apiRequest("POST", "/api/auth/mfa/disable", { cred: cred2, body: { currentPassword: "wrong password" } }), noParams)).status).toBe(400);
    expect((await h.disable(fx.apiRequest("POST", "/api/auth/mfa/disable", { cred: cred2, body: { currentPassword: c.password } }), noParams)).status).toBe(200);
    expect((await (await passwordStep(c)).json()).mfaEnrolmentRequired).toBe(false);

    const admin = await fx.makeUser(eng.prisma, "admin", `keepon.${net}`);
    const ac = await fx.sessionFor(eng.prisma, admin.id);
    const no = await h.disable(fx.apiRequest("POST", "/api/auth/mfa/disable", { cred: ac, body: { currentPassword: admin.password } }), noParams);
    expect(no.status).toBe(409);
    expect((await no.json()).error.code).toBe("mfa_required_for_role");
  });

  it("an admin resets a user's MFA: gone with its recovery codes, sessions end, enrolment required again", async () => {
    const admin = await fx.makeUser(eng.prisma, "admin", `resetter.${net}`);
    const target = await fx.makeUser(eng.prisma, "admin", `lostphone.${net}`);
    const tc = await fx.sessionFor(eng.prisma, target.id);
    const res = await h.userPatch(fx.apiRequest("PATCH", `/api/admin/users/${target.id}`, { cred: await fx.sessionFor(eng.prisma, admin.id), body: { resetMfa: true } }), fx.ctx({ id: target.id }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.user.mfaEnabledAt).toBeNull();
    expect(body.revokedSessions).toBe(1);
    expect((await h.session(fx.apiRequest("GET", "/api/auth/session", { cred: tc }), noParams)).status).toBe(401);
    expect(await eng.prisma.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ mfaSecret: null, mfaEnabledAt: null });
    expect((await (await passwordStep(target)).json()).mfaEnrolmentRequired).toBe(true);
  });

  it("the demo admin is seeded with its published TOTP secret (on loopback) and signs in with its codes", async () => {
    const { ensureDemoUsers, DEMO_ADMIN_TOTP_SECRET } = await import("@/lib/auth/users");
    await ensureDemoUsers(eng.prisma, { NODE_ENV: "production", HOSTNAME: "127.0.0.1" });
    process.env.HOSTNAME = "127.0.0.1";
    const demo = { username: "admin.demo", password: "demo-admin-2026", totpSecret: DEMO_ADMIN_TOTP_SECRET } as TestUser;
    const first = await (await passwordStep(demo)).json();
    expect(first.mfaRequired).toBe(true);
    expect((await codeStep({ mfaToken: first.mfaToken, code: mfa.totpCode(DEMO_ADMIN_TOTP_SECRET) })).status).toBe(200);
  });

  const lastLogin = (userId: string) => eng.prisma.auditEvent.findFirst({ where: { userId, action: "auth.login" }, orderBy: { id: "desc" } });
});
