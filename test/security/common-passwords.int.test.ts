// Issue 10 L18: common passwords such as `Password123!` were accepted. Checked against the
// @zxcvbn-ts common-password dictionary (normalised), refused with a 400 naming the field —
// creating a user, an admin's reset, and one's own change. Both engines, real route handlers.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";

vi.mock("server-only", () => ({}));

type Handler = (req: Request, ctx: unknown) => Promise<Response>;
const noParams = { params: Promise.resolve({}) };
const COMMON = ["Password123!", "P@ssw0rd2024!", "Welcome2026!!", "iloveyou1234", "Sunshine2025", "qwerty123456!", "Football#2024", "letmein-letmein"];

describe.each(engines)("common passwords on %s", (_name, make) => {
  let eng: TestEngine;
  let fx: typeof import("../support/auth-fixtures");
  let createUserApi: Handler;
  let patchUser: Handler;
  let changePassword: Handler;

  beforeAll(async () => {
    eng = await make();
    routeHandlersUse(eng);
    fx = await import("../support/auth-fixtures");
    createUserApi = (await import("@/app/api/admin/users/route")).POST as Handler;
    patchUser = (await import("@/app/api/admin/users/[id]/route")).PATCH as Handler;
    changePassword = (await import("@/app/api/auth/password/route")).POST as Handler;
  });
  afterAll(async () => {
    routeHandlersRelease();
    await eng?.drop();
  });

  it("creating a user with a common password: 400 naming `password`", async () => {
    const admin = await fx.makeUser(eng.prisma, "admin");
    const cred = await fx.sessionFor(eng.prisma, admin.id);
    for (const [i, password] of COMMON.entries()) {
      const res = await createUserApi(fx.apiRequest("POST", "/api/admin/users", { cred, body: { username: `common.${i}`, displayName: "Common Case", role: "clinician", password } }), noParams);
      expect(res.status, password).toBe(400);
      const issues = (await res.json()).error.details.issues as { path: string; message: string }[];
      expect(issues.map((x) => x.path)).toEqual(["password"]);
      expect(issues[0].message).toMatch(/common/);
    }
    expect(await eng.prisma.user.count({ where: { username: { startsWith: "common." } } })).toBe(0);
    const ok = await createUserApi(fx.apiRequest("POST", "/api/admin/users", { cred, body: { username: "uncommon.one", displayName: "Uncommon", role: "clinician", password: "tide pool lantern 77" } }), noParams);
    expect(ok.status).toBe(201);
  });

  it("an admin's reset and one's own change: 400 naming `password` / `newPassword`", async () => {
    const admin = await fx.makeUser(eng.prisma, "admin");
    const adminCred = await fx.sessionFor(eng.prisma, admin.id);
    const u = await fx.makeUser(eng.prisma, "clinician");
    const reset = await patchUser(fx.apiRequest("PATCH", `/api/admin/users/${u.id}`, { cred: adminCred, body: { password: "Password123!" } }), fx.ctx({ id: u.id }));
    expect(reset.status).toBe(400);
    expect((await reset.json()).error.details.issues[0].path).toBe("password");
    const cred = await fx.sessionFor(eng.prisma, u.id);
    const own = await changePassword(fx.apiRequest("POST", "/api/auth/password", { cred, body: { currentPassword: u.password, newPassword: "Password123!" } }), noParams);
    expect(own.status).toBe(400);
    expect((await own.json()).error.details.issues[0].path).toBe("newPassword");
  });
});
