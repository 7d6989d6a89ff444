// npm run audit:verify [-- --anchor ID:HASH]
//
// Recomputes the audit trail's hash chain (lib/auth/audit-chain.ts) in the configured database
// (DATABASE_URL, else the embedded PGlite folder; read-only, so the app's role is enough) and prints
// either "OK" with the head (row id, time, hash) or the first broken link (row id and time).
// --anchor ID:HASH also checks that row ID still carries HASH (a head recorded earlier, somewhere the
// database owner cannot write): that catches a rewrite that recomputed the chain, or rows cut off
// the end. Exit code: 0 intact, 1 broken, 2 could not check.
import { parseArgs } from "node:util";
import { databaseConfig, redactUrl } from "@/lib/db/config";
import { openSqlConnection } from "@/lib/db/sql";
import { describeChainReport, parseAnchor, verifyAuditChain } from "@/lib/auth/audit-chain";

const { values } = parseArgs({ options: { anchor: { type: "string" } } });
const cfg = databaseConfig();
const where = cfg.kind === "postgres" ? redactUrl(cfg.url) : `embedded PGlite at ${cfg.dataDir}`;
let conn: Awaited<ReturnType<typeof openSqlConnection>> | null = null;
let code = 2;
try {
  const anchor = values.anchor ? parseAnchor(values.anchor) : undefined;
  conn = await openSqlConnection(cfg);
  const report = await verifyAuditChain(conn, { anchor });
  console.log(`${describeChainReport(report)} (${where})`);
  code = report.ok ? 0 : 1;
} catch (e) {
  console.error(`audit:verify could not check the chain (${where}): ${(e as Error).message}`);
} finally {
  await conn?.close().catch(() => {});
}
// after close: the embedded engine's runtime sets process.exitCode itself when it shuts down
process.exitCode = code;
