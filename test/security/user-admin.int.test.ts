// PATCH /api/admin/users/{id}: the change and its audit row commit together or not at all. A
// trigger on the real database refuses the audit row; the user's role, password and sessions must
// then be exactly as before (before issue 11 the update committed and only the audit row was lost).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createTestDatabase, type TestDatabase } from "../support/pg-database";
import { engines, type TestEngine } from "../support/engines";
import type { Cred, TestUser } from "../support/auth-fixtures";
import { createUserAccount, updateUser } from "@/lib/auth/user-admin";
import type { Actor } from "@/lib/auth/actor";

vi.mock("server-only", () => ({}));

let tdb: TestDatabase;
let db: PrismaClient;
let fx: typeof import("../support/auth-fixtures");
let PATCH: typeof import("@/app/api/admin/users/[id]/route").PATCH;
let admin: TestUser;
let adminCred: Cred;

/** Makes the database refuse audit rows of one action, as a full disk or a broken audit table would. */
async function refuseAudit(action: string, on: Pick<PrismaClient, "$executeRawUnsafe"> = db) {
  const db = on;
  await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit trail unavailable (test)'; END $$ LANGUAGE plpgsql`);
  await db.$executeRawUnsafe(`CREATE TRIGGER test_refuse_audit BEFORE INSERT ON "AuditEvent" FOR EACH ROW
    WHEN (NEW.action = '${action}') EXECUTE FUNCTION test_refuse_audit()`);
}
async function acceptAudit(on: Pick<PrismaClient, "$executeRawUnsafe"> = db) {
  await on.$executeRawUnsafe(`DROP TRIGGER IF EXISTS test_refuse_audit ON "AuditEvent"`);
}

beforeAll(async () => {
  tdb = await createTestDatabase("user_admin");
  process.env.DATABASE_URL = tdb.url;
  const { prisma } = await import("@/lib/db/client");
  db = await prisma();
  fx = await import("../support/auth-fixtures");
  admin = await fx.makeUser(db, "admin", "ua.admin");
  adminCred = await fx.sessionFor(db, admin.id);
  ({ PATCH } = await import("@/app/api/admin/users/[id]/route"));
});

afterAll(async () => {
  const { getDb } = await import("@/lib/db/client");
  await (await getDb()).close();
  await tdb?.drop();
});

const patch = (id: string, body: unknown) => PATCH(fx.apiRequest("PATCH", `/api/admin/users/${id}`, { cred: adminCred, body }), fx.ctx({ id }));

describe("PATCH /api/admin/users/{id}", () => {
  it("a change whose audit row cannot be written is not committed: role, password and sessions stay as they were", async () => {
    const target = await fx.makeUser(db, "clinician", "ua.target");
    const session = await fx.sessionFor(db, target.id);
    const before = await db.user.findUniqueOrThrow({ where: { id: target.id } });
    await refuseAudit("user.update");
    try {
      const res = await patch(target.id, { role: "researcher", displayName: "Renamed", password: "a-new-password-long-enough-2026" });
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      await acceptAudit();
    }
    const after = await db.user.findUniqueOrThrow({ where: { id: target.id } });
    expect({ role: after.role, displayName: after.displayName, passwordHash: after.passwordHash }).toEqual({
      role: before.role,
      displayName: before.displayName,
      passwordHash: before.passwordHash,
    });
    expect((await db.session.findUniqueOrThrow({ where: { id: session.sessionId } })).revokedAt).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "user.update", entityId: target.id } })).toBe(0);
  });

  it("with the audit trail working, the change, the ended sessions and the audit row land together", async () => {
    const target = await fx.makeUser(db, "clinician", "ua.target2");
    const session = await fx.sessionFor(db, target.id);
    const res = await patch(target.id, { role: "researcher" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ user: { id: target.id, role: "researcher" }, revokedSessions: 1 });
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("researcher");
    expect((await db.session.findUniqueOrThrow({ where: { id: session.sessionId } })).revokedAt).not.toBeNull();
    const rows = await db.auditEvent.findMany({ where: { action: "user.update", entityId: target.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].details).toEqual({ changed: ["role"], revokedSessions: 1 });
  });
});

describe.each(engines)("account administration use cases on %s", (_name, open) => {
  let e: TestEngine;
  let actor: Actor;
  const request = { clientAddress: "127.0.0.1", userAgent: "vitest", source: "test" };
  beforeAll(async () => {
    e = await open();
    const fx = await import("../support/auth-fixtures");
    const a = await fx.makeUser(e.prisma, "admin", "svc.admin");
    actor = { userId: a.id, username: a.username, displayName: "Admin", role: "admin", sessionId: "s", csrfToken: "c" };
  });
  afterAll(async () => {
    await e?.drop();
  });

  it("updateUser: no audit row, no change", async () => {
    const fx = await import("../support/auth-fixtures");
    const t = await fx.makeUser(e.prisma, "clinician", "svc.target");
    await refuseAudit("user.update", e.prisma);
    try {
      await expect(updateUser(e.prisma, { userId: t.id, change: { disabled: true }, actor, request })).rejects.toThrow(/audit trail unavailable/);
    } finally {
      await acceptAudit(e.prisma);
    }
    expect((await e.prisma.user.findUniqueOrThrow({ where: { id: t.id } })).disabled).toBe(false);
    const r = await updateUser(e.prisma, { userId: t.id, change: { disabled: true }, actor, request });
    expect(r.user.disabled).toBe(true);
    expect(await e.prisma.auditEvent.count({ where: { action: "user.update", entityId: t.id } })).toBe(1);
  });

  it("createUserAccount: no audit row, no account", async () => {
    const input = { username: "svc.new", displayName: "New User", role: "clinician" as const, password: "a-long-enough-password-2026" };
    await refuseAudit("user.create", e.prisma);
    try {
      await expect(createUserAccount(e.prisma, { input, actor, request })).rejects.toThrow(/audit trail unavailable/);
    } finally {
      await acceptAudit(e.prisma);
    }
    expect(await e.prisma.user.count({ where: { username: "svc.new" } })).toBe(0);
    const u = await createUserAccount(e.prisma, { input, actor, request });
    expect(await e.prisma.auditEvent.count({ where: { action: "user.create", entityId: u.id } })).toBe(1);
  });

  it("updateUser refuses to lock the acting admin out (409) and names a missing user (404)", async () => {
    await expect(updateUser(e.prisma, { userId: actor.userId, change: { role: "clinician" }, actor, request })).rejects.toMatchObject({ status: 409, code: "self_lockout" });
    await expect(updateUser(e.prisma, { userId: "00000000-0000-4000-8000-000000000000", change: { disabled: true }, actor, request })).rejects.toMatchObject({ status: 404 });
  });
});
