// Issue 10 M6: demo accounts with published passwords were live on `npm start`. They work only
// while the server listens on loopback, or when FUSION_DEMO_USERS=1; seeding does not create them
// otherwise, and the sign-in page lists them (with why) only when they work. Both engines.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { markPeerHeaderTrusted, PEER_HEADER } from "@/lib/auth/client-address.mjs";
import { DEMO_USERS, createUser, ensureDemoUsers } from "@/lib/auth/users";

vi.mock("server-only", () => ({}));
markPeerHeaderTrusted();

type Handler = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;
const noParams = { params: Promise.resolve({}) };
const saved = { HOSTNAME: process.env.HOSTNAME, FUSION_DEMO_USERS: process.env.FUSION_DEMO_USERS };
/** Where "the server" listens: scripts/server.mjs puts its -H host into HOSTNAME. */
function listen(host: string | undefined, demoFlag?: string) {
  if (host === undefined) delete process.env.HOSTNAME;
  else process.env.HOSTNAME = host;
  if (demoFlag === undefined) delete process.env.FUSION_DEMO_USERS;
  else process.env.FUSION_DEMO_USERS = demoFlag;
}

describe.each(engines)("demo accounts on %s", (name, make) => {
  let eng: TestEngine;
  let login: Handler;
  let seq = 0;
  const net = name === "postgres" ? 41 : 42;
  const signIn = (username: string, password: string) =>
    login(
      new Request("http://localhost:3000/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", host: "localhost:3000", [PEER_HEADER]: `192.0.${net}.${++seq}` },
        body: JSON.stringify({ username, password }),
      }),
      noParams,
    );
  const demo = DEMO_USERS[0];

  beforeAll(async () => {
    eng = await make();
    routeHandlersUse(eng);
    login = (await import("@/app/api/auth/login/route")).POST as Handler;
  });
  afterEach(() => listen(saved.HOSTNAME, saved.FUSION_DEMO_USERS));
  afterAll(async () => {
    routeHandlersRelease();
    await eng?.drop();
  });

  it("seeding on a network address (npm start with HOSTNAME=0.0.0.0, production) creates none, and does not fail", async () => {
    const r = await ensureDemoUsers(eng.prisma, { NODE_ENV: "production", HOSTNAME: "0.0.0.0" });
    expect(r.filter((u) => u.created)).toEqual([]);
    expect(await eng.prisma.user.count({ where: { username: { in: DEMO_USERS.map((d) => d.username) } } })).toBe(0);
    // nor in development mode: what matters is who can reach the server
    await ensureDemoUsers(eng.prisma, { NODE_ENV: "development", HOSTNAME: "::" });
    expect(await eng.prisma.user.count({ where: { username: { in: DEMO_USERS.map((d) => d.username) } } })).toBe(0);
  });

  it("seeding on loopback (the npm start default) or with FUSION_DEMO_USERS=1 creates them", async () => {
    const r = await ensureDemoUsers(eng.prisma, { NODE_ENV: "production", HOSTNAME: "127.0.0.1" });
    expect(r.filter((u) => u.created).map((u) => u.username).sort()).toEqual(["admin.demo", "dr.demo", "researcher.demo"]);
    const again = await ensureDemoUsers(eng.prisma, { NODE_ENV: "production", HOSTNAME: "0.0.0.0", FUSION_DEMO_USERS: "1" });
    expect(again.map((u) => u.created)).toEqual([false, false, false]);
  });

  it("accounts seeded earlier are refused once the server listens on the network, and audited", async () => {
    // present in the database, with the published passwords (seeded by an earlier loopback run)
    for (const d of DEMO_USERS) if (!(await eng.prisma.user.findUnique({ where: { username: d.username } }))) await createUser(eng.prisma, d);
    listen("0.0.0.0");
    const res = await signIn(demo.username, demo.password);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("invalid_credentials");
    expect(res.headers.getSetCookie()).toEqual([]);
    const row = await eng.prisma.auditEvent.findFirst({ where: { action: "auth.login", username: demo.username }, orderBy: { id: "desc" } });
    expect(row).toMatchObject({ outcome: "denied", details: expect.objectContaining({ reason: "demo_disabled" }) });
    listen(undefined); // HOSTNAME unknown: not loopback either
    expect((await signIn(demo.username, demo.password)).status).toBe(401);
  });

  it("they work on loopback (127.0.0.1, localhost, ::1) and when explicitly enabled", async () => {
    for (const host of ["127.0.0.1", "localhost", "::1"]) {
      listen(host);
      expect((await signIn(demo.username, demo.password)).status).toBe(200);
    }
    listen("0.0.0.0", "1");
    expect((await signIn(demo.username, demo.password)).status).toBe(200);
    listen("127.0.0.1", "0"); // FUSION_DEMO_USERS=0 switches them off even on loopback
    expect((await signIn(demo.username, demo.password)).status).toBe(401);
  });

  it("the sign-in page lists them, saying why, only while they work", async () => {
    const { demoAccountsForSignIn } = await import("@/lib/auth/demo");
    const loop = await demoAccountsForSignIn(eng.prisma, { NODE_ENV: "production", HOSTNAME: "127.0.0.1" } as NodeJS.ProcessEnv);
    expect(loop.accounts.map((a) => a.username)).toEqual(["dr.demo", "researcher.demo", "admin.demo"]);
    expect(loop.accounts[0].password).toBe(demo.password);
    expect(loop.why).toMatch(/only listens on this computer/);
    // the same reason as a kind, for the sign-in page in the interface language
    expect(loop.reason).toEqual({ kind: "loopback", host: "127.0.0.1" });
    const enabled = await demoAccountsForSignIn(eng.prisma, { NODE_ENV: "production", HOSTNAME: "0.0.0.0", FUSION_DEMO_USERS: "1" } as NodeJS.ProcessEnv);
    expect(enabled.accounts).toHaveLength(3);
    expect(enabled.why).toMatch(/FUSION_DEMO_USERS=1/);
    expect(enabled.reason).toEqual({ kind: "env", host: "0.0.0.0" });
    const off = await demoAccountsForSignIn(eng.prisma, { NODE_ENV: "production", HOSTNAME: "0.0.0.0" } as NodeJS.ProcessEnv);
    expect(off.accounts).toEqual([]);
    expect(off.reason).toBeNull();
  });
});
