// npm run scans:sweep [-- --grace-hours 24] [--dry-run] — removes scan files no Scan row refers to
// (an upload whose transaction failed after its file was stored, scans removed with their patient)
// and temporary files left by interrupted uploads. A file written or re-put within the grace period
// is never removed, and each candidate is checked against the database once more as it is taken
// out; see ScanStore.sweep. The store must belong to this database alone.
import { parseArgs } from "node:util";
import { databaseConfig, redactUrl } from "@/lib/db/config";
import { openSqlConnection } from "@/lib/db/sql";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { scanReferences, scanStoreForConnection } from "@/lib/db/scan-store";

const { values } = parseArgs({ options: { "grace-hours": { type: "string", default: "24" }, "dry-run": { type: "boolean", default: false } } });
const graceHours = Number(values["grace-hours"]);
if (!Number.isFinite(graceHours) || graceHours < 1) {
  console.error("scans:sweep: --grace-hours must be at least 1 (uploads in flight must never lose their file)");
  process.exit(2);
}
const cfg = databaseConfig();
const where = cfg.kind === "postgres" ? redactUrl(cfg.url) : `embedded PGlite at ${cfg.dataDir}`;
const conn = await openSqlConnection(cfg).catch(exitIfDataDirLocked("scans:sweep"));
try {
  const store = scanStoreForConnection(conn);
  const r = await store.sweep({
    olderThan: new Date(Date.now() - graceHours * 3600_000),
    isReferenced: scanReferences((sql, params) => conn.query(sql, params)),
    dryRun: values["dry-run"],
  });
  for (const key of r.removed) console.log(`${values["dry-run"] ? "would remove" : "removed"} ${key}`);
  console.log(
    `scans:sweep (${store.location}, database ${where}): ${r.examined} examined, ${r.kept} kept, ` +
      `${r.removed.length} unreferenced ${values["dry-run"] ? "would be " : ""}removed, ${r.tempFilesRemoved} stale temporary file(s)`,
  );
} catch (e) {
  console.error(`scans:sweep failed (${where}): ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await conn.close();
}
