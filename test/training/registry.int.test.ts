// The registry's approval steps on PostgreSQL and embedded PGlite: candidate → shadow → active →
// (rollback) → the previous version active again; a typed reason, an audit row per step, exactly
// one active version per name (also against the database's own unique index), refused steps (409),
// the route's admin-only rule and 400 without a reason.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines, type TestEngine } from "../support/engines";
import { routeHandlersRelease, routeHandlersUse } from "../support/route-db";
import { apiRequest, ctx, makeUser, sessionFor, type Cred } from "../support/auth-fixtures";
import { registerServedModel } from "@/lib/db/model-registry";
import { changeModelStatus } from "@/lib/training/registry";
import type { Actor } from "@/lib/auth/actor";

vi.mock("server-only", () => ({}));

const outcomes = [{ head: "mace_5y", label: "MACE", shortLabel: "MACE", categories: { moderateFrom: 0.1, highFrom: 0.2 } }];

describe.each(engines)("model registry approval on %s", (_name, open) => {
  let e: TestEngine;
  let admin: Cred;
  let researcher: Cred;
  let adminActor: Actor;
  const request = { clientAddress: null, userAgent: null, source: "test" };
  const candidate = (version: string, servable = true) =>
    e.prisma.modelVersion.create({ data: { name: "reg", version, strategy: "joint", heads: ["mace_5y"], inputSpec: {}, card: {}, metrics: { servable }, status: "candidate", bundleDir: `/tmp/none/${version}`, weightsSha256: "a".repeat(64), snapshotSha256: "b".repeat(64), seed: 1 } });
  const statusOf = async () => Object.fromEntries((await e.prisma.modelVersion.findMany({ where: { name: "reg" } })).map((r) => [r.version, [r.status, r.active]]));

  beforeAll(async () => {
    e = await open();
    routeHandlersUse(e);
    const a = await makeUser(e.prisma, "admin");
    admin = await sessionFor(e.prisma, a.id);
    researcher = await sessionFor(e.prisma, (await makeUser(e.prisma, "researcher")).id);
    adminActor = { userId: a.id, username: a.username, displayName: "Admin", role: "admin", sessionId: admin.sessionId, csrfToken: admin.csrf };
    await registerServedModel(e.prisma, { name: "reg", version: "1.0.0", strategy: "joint", heads: ["mace_5y"], inputSpec: {}, card: {}, metrics: {}, outcomes }, "test");
  }, 60_000);
  afterAll(async () => {
    routeHandlersRelease();
    await e?.drop();
  });

  it("candidate → shadow → active with reasons; the previous active is retired; rollback re-activates it", async () => {
    await candidate("c1");
    const change = (version: string, action: "shadow" | "activate" | "retire" | "rollback", reason = `because ${action} was reviewed`) => changeModelStatus(e.prisma, "reg", version, { action, reason }, { actor: adminActor, request });
    expect(await change("c1", "shadow")).toMatchObject({ status: "shadow", active: "1.0.0" });
    expect(await change("c1", "activate")).toMatchObject({ status: "active", active: "c1" });
    expect(await statusOf()).toEqual({ "1.0.0": ["retired", false], c1: ["active", true] });
    const c1 = await e.prisma.modelVersion.findUniqueOrThrow({ where: { name_version: { name: "reg", version: "c1" } } });
    expect(c1).toMatchObject({ statusReason: "because activate was reviewed", statusChangedById: adminActor.userId });
    expect(await change("c1", "rollback")).toMatchObject({ status: "retired", active: "1.0.0" });
    expect(await statusOf()).toEqual({ "1.0.0": ["active", true], c1: ["retired", false] });
    const audits = await e.prisma.auditEvent.findMany({ where: { entityId: c1.id, action: { startsWith: "model." } }, orderBy: { id: "asc" } });
    expect(audits.map((a) => [a.action, (a.details as { from: string; to: string }).to])).toEqual([["model.shadow", "shadow"], ["model.activate", "active"], ["model.rollback", "retired"]]);
    expect((audits[2].details as { reactivated: string }).reactivated).toBe("reg@1.0.0");
    expect(audits.every((a) => a.username === adminActor.username && a.role === "admin")).toBe(true);
  });

  it("refuses steps that are not allowed, changing nothing", async () => {
    await candidate("c2");
    await candidate("c3", false);
    const before = await statusOf();
    const change = (version: string, action: "shadow" | "activate" | "retire" | "rollback") => changeModelStatus(e.prisma, "reg", version, { action, reason: "a reason here" }, { actor: adminActor, request });
    await expect(change("c2", "rollback")).rejects.toMatchObject({ code: "invalid_transition" });
    await expect(change("1.0.0", "retire")).rejects.toMatchObject({ code: "invalid_transition" });
    await expect(change("c3", "shadow")).rejects.toMatchObject({ code: "not_servable" });
    await expect(change("c3", "activate")).rejects.toMatchObject({ code: "not_servable" });
    await expect(change("1.0.0", "rollback")).rejects.toMatchObject({ code: "no_previous_version" }); // re-activated by rollback: nothing before it
    await expect(change("nope", "activate")).rejects.toMatchObject({ code: "not_found" });
    expect(await statusOf()).toEqual(before);
    // the database itself holds to one active version per name
    await expect(e.prisma.modelVersion.update({ where: { name_version: { name: "reg", version: "c2" } }, data: { status: "active", active: true } })).rejects.toThrow();
  });

  it("the route: admins only, a reason required (400), 409 passed through", async () => {
    const { POST } = await import("@/app/api/models/[name]/[version]/status/route");
    const call = (cred: Cred, body: unknown, version = "c2") => POST(apiRequest("POST", `/api/models/reg/${version}/status`, { cred, body }), ctx({ name: "reg", version }) as never);
    expect((await call(researcher, { action: "shadow", reason: "looks good to me" })).status).toBe(403);
    const noReason = await call(admin, { action: "shadow", reason: "  " });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error.details.issues[0].path).toBe("reason");
    expect((await call(admin, { action: "promote", reason: "looks good to me" })).status).toBe(400);
    const ok = await call(admin, { action: "shadow", reason: "reviewed the evaluation" });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await ok.json()).toMatchObject({ version: "c2", status: "shadow" });
    expect((await call(admin, { action: "shadow", reason: "reviewed the evaluation" })).status).toBe(409);
  });
});
