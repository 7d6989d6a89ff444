// npm run db:migrate — applies prisma/migrations/*/migration.sql to the configured database
// (DATABASE_URL → PostgreSQL, else the embedded PGlite data folder). Safe to run repeatedly.
import { databaseConfig, redactUrl } from "@/lib/db/config";
import { openSqlConnection } from "@/lib/db/sql";
import { migrate } from "@/lib/db/migrate";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";

const cfg = databaseConfig();
const where = cfg.kind === "postgres" ? redactUrl(cfg.url) : `embedded PGlite at ${cfg.dataDir}`;
const conn = await openSqlConnection(cfg).catch(exitIfDataDirLocked("db:migrate"));
try {
  const r = await migrate(conn, undefined, (m) => console.log(`  ${m}`));
  console.log(`db:migrate (${where}): ${r.applied.length} applied, ${r.skipped.length} already applied`);
} catch (e) {
  console.error(`db:migrate failed (${where}): ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await conn.close();
}
