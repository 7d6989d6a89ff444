import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import { migrate } from "@/lib/db/migrate";
import { pgliteConnection, openPglite } from "@/lib/db/sql";
import { createTestDatabase } from "./pg-database";
import type { DbHandle } from "@/lib/db/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type TestEngine = DbHandle & { url?: string; drop(): Promise<void> };

/** A fresh, migrated database on the real PostgreSQL server (createTestDatabase), dropped afterwards. */
export async function freshPostgres(prefix = "test"): Promise<TestEngine> {
  const db = await createTestDatabase(prefix);
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 4 }) });
  return {
    prisma,
    kind: "postgres",
    url: db.url,
    close: () => prisma.$disconnect(),
    async drop() {
      await prisma.$disconnect();
      await db.drop();
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
