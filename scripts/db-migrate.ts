// npm run db:migrate — applies prisma/migrations/*/migration.sql to the configured database
// (DATABASE_URL → PostgreSQL, else the embedded PGlite data folder), then moves scan bytes still
// kept in the Scan table into the scan-file store (the same step as `npm run scans:migrate-store`).
// Safe to run repeatedly.
import { databaseConfig, redactUrl } from "@/lib/db/config";
import { openSqlConnection } from "@/lib/db/sql";
import { migrate } from "@/lib/db/migrate";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { moveLegacyBytesOver } from "@/lib/db/scan-store";

const cfg = databaseConfig();
const where = cfg.kind === "postgres" ? redactUrl(cfg.url) : `embedded PGlite at ${cfg.dataDir}`;
const conn = await openSqlConnection(cfg).catch(exitIfDataDirLocked("db:migrate"));
try {
  const r = await migrate(conn, undefined, (m) => console.log(`  ${m}`));
  console.log(`db:migrate (${where}): ${r.applied.length} applied, ${r.skipped.length} already applied`);
  const moved = await moveLegacyBytesOver(conn, (m) => console.log(`  ${m}`));
  if (moved.moved) console.log(`db:migrate: ${moved.moved} scan file(s) moved from the Scan table into the scan store`);
  if (moved.remaining)
    console.warn(
      `db:migrate: ${moved.remaining} scan(s) keep their bytes in the Scan table because the bytes do not match the row's own sha256 (listed above); ` +
        "they are still served from there. See lib/storage/README.md.",
    );
} catch (e) {
  console.error(`db:migrate failed (${where}): ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await conn.close();
}
