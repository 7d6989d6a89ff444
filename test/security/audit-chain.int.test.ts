// Issue 10, Medium 11: the audit trail is tamper evident. Each AuditEvent row carries a hash chained
// to the previous row (built by the database under a lock, so concurrent writers cannot fork it);
// `npm run audit:verify` names the first broken link. On PostgreSQL the app runs as a role that
// does not own the tables and cannot change, remove or un-trigger audit rows.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { engines, type TestEngine } from "../support/engines";
import { createTestDatabase, adminUrl, type TestDatabase } from "../support/pg-database";
import { bindAppDb, unbindAppDb } from "../support/app-engine";
import { apiRequest, ctx, makeUser, sessionFor } from "../support/auth-fixtures";
import { GENESIS, prismaQueryable, verifyAuditChain, type ChainReport } from "@/lib/auth/audit-chain";
import { audit } from "@/lib/auth/audit";
import { openPglite, pgliteConnection } from "@/lib/db/sql";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { pgConnection, type SqlConnection } from "@/lib/db/sql";

vi.mock("server-only", () => ({}));

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");

/** `npm run audit:verify` as an operator runs it: exit code and output. */
async function verifyCli(env: Record<string, string>, args: string[] = []): Promise<{ code: number; out: string }> {
  const clean = { ...process.env, DATABASE_URL: "", FUSION_DATA_DIR: "", ...env };
  try {
    const r = await run(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "audit-verify.ts"), ...args], { cwd: ROOT, env: clean });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout + x.stderr };
  }
}

/** What an owner with direct SQL access would do: pause the append-only trigger and rewrite. */
const tamperSteps = (sql: string) => [`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_no_update"`, sql, `ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_no_update"`];
const tamper = (sql: string) => tamperSteps(sql).join("; ");
/** One statement per call (the embedded engine's driver prepares each query), in one transaction. */
const tamperWith = (db: PrismaClient, sql: string) => db.$transaction(tamperSteps(sql).map((s) => db.$executeRawUnsafe(s)));

async function writeSome(db: PrismaClient, n: number, label: string) {
  for (let i = 0; i < n; i++) await audit(db, { actor: null, username: `${label}.${i}`, action: "test.event", outcome: "success", details: { i, label, nested: { b: [1, 2.5, "x"], a: null } } });
}

describe.each(engines)("audit hash chain (%s)", (name, open) => {
  let e: TestEngine;
  const verify = (): Promise<ChainReport> => verifyAuditChain(prismaQueryable(e.prisma), { batch: 7 });

  beforeAll(async () => {
    e = await open();
  });
  afterAll(async () => {
    await e?.drop();
  });

  it("every row is chained to the one before it; the chain verifies", async () => {
    await writeSome(e.prisma, 20, "seq");
    const rows = await e.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(rows[0].prevHash).toBe(GENESIS);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevHash).toBe(rows[i - 1].hash);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    const r = await verify();
    expect(r).toMatchObject({ ok: true, rows: 20, firstBreak: null });
    expect(r.head?.hash).toBe(rows.at(-1)!.hash);
  });

  it("concurrent writers (in transactions that stay open a while) do not fork the chain", async () => {
    const before = await e.prisma.auditEvent.count();
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        i % 2
          ? e.prisma.$transaction(async (tx) => {
              await audit(tx, { actor: null, action: "test.concurrent", outcome: "success", details: { i } });
              await new Promise((r) => setTimeout(r, 20));
              await audit(tx, { actor: null, action: "test.concurrent", outcome: "success", details: { i, second: true } });
            })
          : audit(e.prisma, { actor: null, action: "test.concurrent", outcome: "success", details: { i } }),
      ),
    );
    expect(await e.prisma.auditEvent.count()).toBe(before + 24);
    const hashes = await e.prisma.auditEvent.findMany({ select: { prevHash: true } });
    expect(new Set(hashes.map((h) => h.prevHash)).size).toBe(hashes.length); // no two rows share a parent
    expect((await verify()).ok).toBe(true);
  });

  it("a rolled-back write leaves no gap in the chain", async () => {
    await expect(
      e.prisma.$transaction(async (tx) => {
        await audit(tx, { actor: null, action: "test.rollback", outcome: "success" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await writeSome(e.prisma, 1, "after-rollback");
    expect((await verify()).ok).toBe(true);
  });

  it("a row rewritten directly in SQL: verify names that row (id and time)", async () => {
    const target = (await e.prisma.auditEvent.findMany({ orderBy: { id: "asc" }, skip: 9, take: 1 }))[0];
    await tamperWith(e.prisma, `UPDATE "AuditEvent" SET "username" = 'someone.else' WHERE "id" = ${target.id}`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toMatchObject({ id: target.id.toString(), problem: "changed" });
    expect(r.firstBreak!.occurredAt!.getTime()).toBe(target.occurredAt.getTime());
    expect(r.rows).toBe(9);
    // put it back: the chain verifies again (the hash really covers the content)
    await tamperWith(e.prisma, `UPDATE "AuditEvent" SET "username" = ${target.username === null ? "NULL" : `'${target.username}'`} WHERE "id" = ${target.id}`);
    expect((await verify()).ok).toBe(true);
  });

  it("details rewritten, a row removed, a row inserted with the chain trigger off: each is found", async () => {
    const rows = await e.prisma.auditEvent.findMany({ orderBy: { id: "asc" } });
    await tamperWith(e.prisma, `UPDATE "AuditEvent" SET "details" = '{"i": 99}' WHERE "id" = ${rows[3].id}`);
    expect((await verify()).firstBreak).toMatchObject({ id: rows[3].id.toString(), problem: "changed" });
    await tamperWith(e.prisma, `UPDATE "AuditEvent" SET "details" = ${rows[3].details === null ? "NULL" : `'${JSON.stringify(rows[3].details)}'`} WHERE "id" = ${rows[3].id}`);
    expect((await verify()).ok).toBe(true);

    await tamperWith(e.prisma, `DELETE FROM "AuditEvent" WHERE "id" = ${rows[5].id}`);
    const del = await verify();
    expect(del.firstBreak).toMatchObject({ id: rows[6].id.toString(), problem: "link" });
    expect(del.firstBreak!.message).toContain(`#${rows[4].id}`);
  });

  it("npm run audit:verify: exit 1 naming the broken row, exit 0 and the head when intact", async () => {
    // a fresh database of this engine for the CLI (the embedded one must be closed to be opened by another process)
    let env: Record<string, string>;
    let cleanup: () => Promise<void>;
    let tamperSql: (sql: string) => Promise<unknown>;
    if (name === "postgres") {
      const t = await createTestDatabase("audit_cli");
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      env = { DATABASE_URL: t.url };
      tamperSql = (sql) => c.query(sql);
      cleanup = async () => {
        await c.end();
        await t.drop();
      };
    } else {
      const dir = mkdtempSync(join(tmpdir(), "fcds-audit-cli-"));
      env = { FUSION_DATA_DIR: dir };
      tamperSql = async (sql) => {
        const db = await openPglite(join(dir, "pglite"));
        try {
          await db.exec(sql);
        } finally {
          await db.close();
        }
      };
      const db = await openPglite(join(dir, "pglite"));
      await migrate(pgliteConnection(db));
      await db.close();
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    try {
      for (let i = 0; i < 5; i++) await tamperSql(`INSERT INTO "AuditEvent" ("action", "outcome", "username") VALUES ('cli.event', 'success', 'u${i}')`);
      const ok = await verifyCli(env);
      expect(ok.out).toMatch(/audit chain OK: 5 rows; head #5 at \S+ hash [0-9a-f]{64}/);
      expect(ok.code).toBe(0);
      const head = /head #(\d+) at \S+ hash ([0-9a-f]{64})/.exec(ok.out)!;

      await tamperSql(tamper(`UPDATE "AuditEvent" SET "outcome" = 'failure' WHERE "id" = 3`));
      const bad = await verifyCli(env);
      expect(bad.code, bad.out).toBe(1);
      expect(bad.out).toMatch(/audit chain BROKEN at row #3 \(\d{4}-\d\d-\d\dT[\d:.]+Z\): was changed after it was written/);

      // cut the tail: the chain alone still verifies, the recorded head (anchor) does not
      await tamperSql(tamper(`UPDATE "AuditEvent" SET "outcome" = 'success' WHERE "id" = 3; DELETE FROM "AuditEvent" WHERE "id" = 5`));
      expect((await verifyCli(env)).code).toBe(0);
      const cut = await verifyCli(env, ["--anchor", `${head[1]}:${head[2]}`]);
      expect(cut.code).toBe(1);
      expect(cut.out).toContain("BROKEN at row #5: the anchored row is gone");
    } finally {
      await cleanup();
    }
  }, 120_000);
});

describe.each(["postgres", "pglite"])("the migration chains the rows written before it (%s)", (kind) => {
  it("legacy rows get hashes in id order and verify; new rows continue the chain", async () => {
    let conn: SqlConnection;
    let done: () => Promise<void>;
    if (kind === "postgres") {
      const t = await createTestDatabase("audit_legacy", { migrate: false });
      conn = await pgConnection(t.url);
      done = async () => {
        await conn.close();
        await t.drop();
      };
    } else {
      const dir = mkdtempSync(join(tmpdir(), "fcds-audit-legacy-"));
      const db = await openPglite(join(dir, "pglite"));
      conn = pgliteConnection(db);
      done = async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      };
    }
    try {
      await migrate(conn, readMigrations().filter((m) => m.name < "20261202110000"));
      for (let i = 0; i < 4; i++)
        await conn.query(`INSERT INTO "AuditEvent" ("action", "outcome", "details") VALUES ('legacy.event', 'success', $1::jsonb)`, [JSON.stringify({ i })]);
      await migrate(conn);
      const rows = await conn.query<{ id: string; prevHash: string; hash: string }>(`SELECT id::text AS id, "prevHash", hash FROM "AuditEvent" ORDER BY id`);
      expect(rows.map((r) => r.id)).toEqual(["1", "2", "3", "4"]);
      expect(rows[0].prevHash).toBe(GENESIS);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
      await conn.query(`INSERT INTO "AuditEvent" ("action", "outcome") VALUES ('new.event', 'success')`);
      const r = await verifyAuditChain(conn);
      expect(r).toMatchObject({ ok: true, rows: 5 });
      expect(r.head?.id).toBe("5");
      // the append-only trigger is back on after the migration
      await expect(conn.query(`UPDATE "AuditEvent" SET "action" = 'x'`)).rejects.toThrow(/append-only/);
    } finally {
      await done();
    }
  });
});

describe("PostgreSQL: the app's role does not own the tables", () => {
  let t: TestDatabase;
  let appUrl: string;
  let app: pg.Client;
  let appPrisma: PrismaClient;
  const role = `fcds_app_${Date.now().toString(36)}`;

  beforeAll(async () => {
    // the owner (here the test server's admin role) migrates; the app connects as `role`
    t = await createTestDatabase("audit_roles", { migrate: false });
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.end();
    const u = new URL(t.url);
    u.username = role;
    appUrl = u.toString();
    const { setupDatabase } = await import("@/scripts/db-setup");
    const r = await setupDatabase({ DATABASE_MIGRATION_URL: t.url, DATABASE_URL: appUrl } as unknown as NodeJS.ProcessEnv);
    expect(r.appRole).toBe(role);
    app = new pg.Client({ connectionString: appUrl });
    await app.connect();
    appPrisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: appUrl, max: 2 }) });
  }, 120_000);

  afterAll(async () => {
    await app?.end();
    await appPrisma?.$disconnect();
    await t?.drop();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  const refused = async (sql: string) => {
    const err = await app.query(sql).then(
      () => null,
      (x: Error & { code?: string }) => x,
    );
    expect(err, sql).not.toBeNull();
    return err!;
  };

  it("appends and reads audit rows (chained) and does its normal work through the real handlers", async () => {
    const fakeEngine = { prisma: appPrisma, kind: "postgres" as const, close: async () => {}, drop: async () => {} };
    bindAppDb(fakeEngine);
    try {
      const u = await makeUser(appPrisma, "clinician");
      const cred = await sessionFor(appPrisma, u.id);
      const { POST } = await import("@/app/api/patients/route");
      const res = await POST(
        apiRequest("POST", "/api/patients", { cred, body: { mrn: "ROLE-1", givenName: "Ann", familyName: "Role", birthDate: "1960-01-01", sex: "female" } }),
        ctx({}) as never,
      );
      expect(res.status).toBe(201);
      expect(await appPrisma.auditEvent.count({ where: { action: "patient.create" } })).toBe(1);
      expect((await verifyAuditChain(prismaQueryable(appPrisma))).ok).toBe(true);
    } finally {
      unbindAppDb();
    }
  });

  it("the assessment queue (installed by the owner) opens and takes jobs as the app role", async () => {
    const { AssessmentQueue } = await import("@/lib/jobs/queue");
    const q = await AssessmentQueue.open({ kind: "postgres", url: appUrl, prisma: appPrisma } as never);
    try {
      await appPrisma.$transaction((tx) => q.enqueueInTx(tx, { assessmentId: crypto.randomUUID() }));
      expect((await q.fetch(1))?.length).toBe(1);
    } finally {
      await q.stop();
    }
  });

  it("cannot UPDATE, DELETE or TRUNCATE audit rows", async () => {
    expect((await refused(`UPDATE "AuditEvent" SET "username" = 'x'`)).message).toMatch(/permission denied/);
    expect((await refused(`DELETE FROM "AuditEvent"`)).message).toMatch(/permission denied/);
    expect((await refused(`TRUNCATE "AuditEvent"`)).message).toMatch(/permission denied/);
  });

  it("cannot disable, drop or replace the triggers, nor switch them off for its session", async () => {
    expect((await refused(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_no_update"`)).message).toMatch(/must be owner/);
    expect((await refused(`ALTER TABLE "AuditEvent" DISABLE TRIGGER ALL`)).message).toMatch(/must be owner/);
    expect((await refused(`DROP TRIGGER "AuditEvent_chain" ON "AuditEvent"`)).message).toMatch(/must be owner/);
    expect((await refused(`CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`)).message).toMatch(/must be owner|permission denied/);
    expect((await refused(`SET session_replication_role = replica`)).message).toMatch(/permission denied/);
    expect((await refused(`ALTER TABLE "AuditEvent" OWNER TO ${role}`)).message).toMatch(/must be owner/);
  });

  it("cannot forge the chain: hash, prevHash, id and time it sends are replaced by the database's", async () => {
    await app.query(`INSERT INTO "AuditEvent" ("id", "occurredAt", "action", "outcome", "hash", "prevHash") VALUES (1, '2000-01-01', 'forged', 'success', 'x', 'y')`);
    const [row] = (await app.query(`SELECT "id", "occurredAt", "hash", "prevHash" FROM "AuditEvent" WHERE "action" = 'forged'`)).rows;
    expect(row.id).not.toBe("1");
    expect(new Date(row.occurredAt).getFullYear()).toBeGreaterThan(2000);
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyAuditChain(prismaQueryable(appPrisma))).ok).toBe(true);
  });
});
