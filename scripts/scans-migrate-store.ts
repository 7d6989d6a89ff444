// npm run scans:migrate-store [-- --batch 100] — moves scan bytes still kept in the Scan table (as
// versions before the scan-file store wrote them) into the configured store (FUSION_SCAN_STORE,
// FUSION_SCAN_STORE_DIR): each row's bytes are stored, read back and re-hashed, compared with the
// row's sha256, and only then is the row pointed at the file and its bytes column emptied.
// `npm run db:migrate` runs the same step; this is for running it alone. Idempotent, resumable.
// Exit 1 when rows are left in the table (their bytes do not match their own sha256).
import { parseArgs } from "node:util";
import { databaseConfig, redactUrl } from "@/lib/db/config";
import { openSqlConnection } from "@/lib/db/sql";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { moveLegacyBytesOver } from "@/lib/db/scan-store";

const { values } = parseArgs({ options: { batch: { type: "string", default: "100" } } });
const cfg = databaseConfig();
const where = cfg.kind === "postgres" ? redactUrl(cfg.url) : `embedded PGlite at ${cfg.dataDir}`;
const conn = await openSqlConnection(cfg).catch(exitIfDataDirLocked("scans:migrate-store"));
try {
  const r = await moveLegacyBytesOver(conn, (m) => console.log(m), Math.max(1, Number(values.batch) || 100));
  console.log(`scans:migrate-store (${where}): ${r.moved} moved, ${r.remaining} left in the Scan table`);
  if (r.remaining) process.exitCode = 1;
} catch (e) {
  console.error(`scans:migrate-store failed (${where}): ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await conn.close();
}
