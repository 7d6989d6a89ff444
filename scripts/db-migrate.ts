// npm run db:migrate — applies prisma/migrations/*/migration.sql to the configured database
// (DATABASE_MIGRATION_URL, else DATABASE_URL → PostgreSQL, else the embedded PGlite data folder), then
// moves scan bytes still kept in the Scan table into the scan-file store (the same step as
// `npm run scans:migrate-store`) and, with a separate app role, grants it its privileges
// (scripts/db-setup.ts). Safe to run repeatedly.
import { migrationDatabaseConfig, redactUrl } from "@/lib/db/config";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { moveLegacyBytesOver } from "@/lib/db/scan-store";
import { setupDatabase } from "./db-setup";

const cfg = migrationDatabaseConfig();
const where = cfg.kind === "postgres" ? redactUrl(cfg.url) : `embedded PGlite at ${cfg.dataDir}`;
const log = (m: string) => console.log(`  ${m}`);
try {
  const r = await setupDatabase(process.env, log, {
    afterMigrate: async (conn) => {
      const moved = await moveLegacyBytesOver(conn, log);
      if (moved.moved) console.log(`db:migrate: ${moved.moved} scan file(s) moved from the Scan table into the scan store`);
      if (moved.remaining)
        console.warn(
          `db:migrate: ${moved.remaining} scan(s) keep their bytes in the Scan table because the bytes do not match the row's own sha256 (listed above); ` +
            "they are still served from there. See lib/storage/README.md.",
        );
    },
  }).catch(exitIfDataDirLocked("db:migrate"));
  console.log(`db:migrate (${where}): ${r.applied.length} applied, ${r.skipped.length} already applied`);
} catch (e) {
  console.error(`db:migrate failed (${where}): ${(e as Error).message}`);
  process.exitCode = 1;
}
