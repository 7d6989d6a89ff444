// A stand-in for "another process on the same embedded data directory" (server, seed, migrate…), for
// test/db/data-dir-lock.int.test.ts: opens DIR, adds ROWS rows to table `kept` (committed), prints
// `ready <pid> <rows in kept>`, then waits; `close` on stdin closes the database and prints `closed`.
// If the folder cannot be opened it prints `refused <first line of the error>` and exits 3.
//   tsx test/support/hold-pglite.ts DIR [ROWS]
import { createInterface } from "node:readline";
import { openPglite } from "@/lib/db/sql";

const [dir, rows = "0"] = process.argv.slice(2);
try {
  const db = await openPglite(dir);
  await db.exec("CREATE TABLE IF NOT EXISTS kept (n int NOT NULL)");
  if (Number(rows) > 0) await db.query("INSERT INTO kept SELECT generate_series(1, $1::int)", [Number(rows)]);
  const { rows: [{ n }] } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM kept");
  console.log(`ready ${process.pid} ${n}`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() !== "close") continue;
    await db.close();
    console.log("closed");
    process.exit(0);
  }
} catch (e) {
  console.log(`refused ${(e as Error).message.split("\n")[0]}`);
  process.exit(3);
}
