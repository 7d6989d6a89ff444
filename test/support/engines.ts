import { randomBytes } from "node:crypto";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { migrate } from "@/lib/db/migrate";
import { pgConnection, pgliteConnection, openPglite } from "@/lib/db/sql";
import type { DbHandle } from "@/lib/db/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The local PostgreSQL server the suite uses (CI starts it); override with TEST_PG_URL. */
export const adminUrl = () => process.env.TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type TestEngine = DbHandle & { url?: string; drop(): Promise<void> };

/** A fresh, migrated database on the real PostgreSQL server, dropped afterwards. */
export async function freshPostgres(prefix = "fcds_test"): Promise<TestEngine> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  const url = u.toString();
  const conn = await pgConnection(url);
  await migrate(conn);
  await conn.close();
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 4 }) });
  return {
    prisma,
    kind: "postgres",
    url,
    close: () => prisma.$disconnect(),
    async drop() {
      await prisma.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/** A fresh, migrated, file-backed PGlite database in a temp folder, removed afterwards. */
export async function freshPglite(): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), "fcds-pglite-"));
  const pglite = await openPglite(join(dir, "pglite"));
  await migrate(pgliteConnection(pglite));
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const close = async () => {
    await prisma.$disconnect();
    if (!pglite.closed) await pglite.close();
  };
  return { prisma, kind: "embedded", pglite, close, async drop() { await close(); rmSync(dir, { recursive: true, force: true }); } };
}

export const engines: [string, () => Promise<TestEngine>][] = [
  ["postgres", () => freshPostgres()],
  ["pglite", () => freshPglite()],
];
