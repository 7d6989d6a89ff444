import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PGlite } from "@electric-sql/pglite";
import { databaseConfig, type DatabaseConfig, type DatabaseKind } from "./config";
import { openPglite } from "./sql";
import { keepStatistics } from "./embedded-statistics";
import { processGlobals } from "@/lib/platform/process-globals";

export type Db = PrismaClient;
export type DbHandle = { prisma: PrismaClient; kind: DatabaseKind; pglite?: PGlite; close(): Promise<void> };

export async function createDb(cfg: DatabaseConfig = databaseConfig()): Promise<DbHandle> {
  if (cfg.kind === "postgres") {
    const adapter = new PrismaPg({ connectionString: cfg.url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    const prisma = new PrismaClient({ adapter });
    return { prisma, kind: "postgres", close: () => prisma.$disconnect() };
  }
  const pglite = await openPglite(cfg.dataDir);
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  // no autovacuum inside PGlite: gather planner statistics ourselves (embedded-statistics.ts)
  const stopStatistics = keepStatistics(pglite);
  return {
    prisma,
    kind: "embedded",
    pglite,
    async close() {
      stopStatistics();
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

// One handle per process: Next.js loads route modules separately, and the embedded database allows
// one opener (lib/db/data-dir-lock.ts). A failed open is not kept: when another process held the
// embedded folder, the next request tries again once it is free.
const g = processGlobals<{ __fusionDb?: Promise<DbHandle> }>();

export function getDb(): Promise<DbHandle> {
  g.__fusionDb ??= createDb().catch((e) => {
    g.__fusionDb = undefined;
    throw e;
  });
  return g.__fusionDb;
}

export async function prisma(): Promise<PrismaClient> {
  return (await getDb()).prisma;
}
