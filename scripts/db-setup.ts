// What `npm run db:migrate` (and so `npm start`) does to the database, as a function tests can call.
//
// 1. Applies the committed SQL migrations as the migration role: DATABASE_MIGRATION_URL, else
//    DATABASE_URL (PostgreSQL), else the embedded PGlite folder.
//    Then `afterMigrate` (db:migrate moves legacy scan bytes into the scan store there).
// 2. PostgreSQL with a separate app role (DATABASE_URL's user differs from DATABASE_MIGRATION_URL's):
//    installs the assessment queue's tables (pg-boss) as the owner too, then grants the app role
//    what it needs — on AuditEvent only SELECT and INSERT (lib/db/roles.ts).
import { migrationDatabaseConfig } from "@/lib/db/config";
import { openSqlConnection } from "@/lib/db/sql";
import { migrate, type MigrateResult } from "@/lib/db/migrate";
import type { SqlConnection } from "@/lib/db/sql";
import { grantAppRole, separateAppRole } from "@/lib/db/roles";
import type { DbHandle } from "@/lib/db/client";

export type SetupResult = MigrateResult & { appRole: string | null };

export async function setupDatabase(
  env: NodeJS.ProcessEnv = process.env,
  log: (m: string) => void = () => {},
  opts: { afterMigrate?: (conn: SqlConnection) => Promise<void> } = {},
): Promise<SetupResult> {
  const cfg = migrationDatabaseConfig(env);
  const conn = await openSqlConnection(cfg);
  try {
    const r = await migrate(conn, undefined, log);
    await opts.afterMigrate?.(conn);
    const appRole = cfg.kind === "postgres" ? separateAppRole(env.DATABASE_URL?.trim(), cfg.url) : null;
    if (cfg.kind === "postgres" && appRole) {
      // pg-boss creates its schema and each queue's table on first start: DDL the app role may not run
      const { AssessmentQueue } = await import("@/lib/jobs/queue");
      const q = await AssessmentQueue.open({ kind: "postgres", url: cfg.url } as unknown as DbHandle);
      await q.stop();
      await grantAppRole(conn, appRole);
      log(`granted the app role "${appRole}" its privileges (AuditEvent: SELECT, INSERT only)`);
    }
    return { ...r, appRole };
  } finally {
    await conn.close();
  }
}
