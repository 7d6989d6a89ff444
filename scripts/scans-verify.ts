// npm run scans:verify — reads back every scan file a Scan row refers to and re-hashes it: missing
// files, wrong sizes and changed bytes are listed (after a restore from backup, a disk fault, a move
// of the store folder). Read-only. Exit 1 when anything is wrong.
import { databaseConfig, redactUrl } from "@/lib/db/config";
import { openSqlConnection } from "@/lib/db/sql";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { scanStoreForConnection } from "@/lib/db/scan-store";
import { checkScanFiles } from "@/lib/storage/check";

const cfg = databaseConfig();
const where = cfg.kind === "postgres" ? redactUrl(cfg.url) : `embedded PGlite at ${cfg.dataDir}`;
const conn = await openSqlConnection(cfg).catch(exitIfDataDirLocked("scans:verify"));
try {
  const store = scanStoreForConnection(conn);
  const r = await checkScanFiles((sql, params) => conn.query(sql, params), store, { log: (m) => console.log(m) });
  for (const p of r.problems) console.log(`scan ${p.id}: ${p.problem} (${p.detail})`);
  console.log(`scans:verify (${store.location}, database ${where}): ${r.checked} checked, ${r.problems.length} problem(s)`);
  if (r.problems.length) process.exitCode = 1;
} catch (e) {
  console.error(`scans:verify failed (${where}): ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await conn.close();
}
