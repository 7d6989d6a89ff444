import type { ScanStore, SqlQuery } from "./types";

export type CheckResult = {
  checked: number;
  /** Rows whose file is missing, of another size, or no longer hashes to the row's sha256. */
  problems: { id: string; storageKey: string; problem: "missing" | "size" | "checksum"; detail: string }[];
};

/**
 * Reads back every stored scan file a Scan row refers to and re-hashes it (after a restore from
 * backup, a disk fault, a move of the store folder). Read-only.
 */
export async function checkScanFiles(query: SqlQuery, store: ScanStore, opts: { log?: (m: string) => void; batchSize?: number } = {}): Promise<CheckResult> {
  const batch = opts.batchSize ?? 500;
  const result: CheckResult = { checked: 0, problems: [] };
  let after: string | null = null;
  for (;;) {
    const rows: { id: string; storageKey: string; sha256: string; byteSize: number }[] = await query(
      `SELECT "id"::text AS "id", "storageKey", "sha256", "byteSize" FROM "Scan" WHERE "storageKey" IS NOT NULL ${after ? `AND "id" > $2::uuid` : ""} ORDER BY "id" LIMIT $1`,
      after ? [batch, after] : [batch],
    );
    if (!rows.length) return result;
    for (const r of rows) {
      result.checked++;
      const st = await store.stat(r.storageKey);
      if (!st) result.problems.push({ id: r.id, storageKey: r.storageKey, problem: "missing", detail: `not in ${store.location}` });
      else if (st.size !== r.byteSize) result.problems.push({ id: r.id, storageKey: r.storageKey, problem: "size", detail: `${st.size} bytes stored, ${r.byteSize} recorded` });
      else {
        const v = await store.verify(r.storageKey);
        if (!v.ok || v.sha256 !== r.sha256) result.problems.push({ id: r.id, storageKey: r.storageKey, problem: "checksum", detail: `stored bytes hash to ${v.sha256}` });
      }
    }
    after = rows[rows.length - 1].id;
    opts.log?.(`  ${result.checked} checked, ${result.problems.length} problem(s)`);
  }
}
