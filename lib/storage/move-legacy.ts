import { sha256Hex } from "./keys";
import type { ScanStore, SqlQuery } from "./types";

export type MoveResult = {
  /** Rows whose bytes are now in the store (bytes column emptied). */
  moved: number;
  /** Rows left as they were because their bytes do not hash to their recorded sha256 / byteSize. */
  mismatched: { id: string; recordedSha256: string; actualSha256: string; recordedSize: number; actualSize: number }[];
  /** Rows that still have bytes in the table after this run (the mismatched ones). */
  remaining: number;
};

/**
 * Moves scan bytes stored the old way (in the `Scan.bytes` column) into the scan store, one row
 * at a time, in batches of ids: the bytes are put into the store, read back and re-hashed there
 * (`verify`), compared with the row's sha256, and only then is the row pointed at the stored file
 * and its bytes column emptied — in one UPDATE that only touches a row still holding bytes.
 * Idempotent and resumable: a run that stops half-way leaves every row either moved or untouched
 * (a file stored for a row not yet updated is simply put again next time). A row whose bytes do
 * not match its own sha256 is left in the table (still served from there) and reported.
 */
export async function moveLegacyScanBytes(
  query: SqlQuery,
  store: ScanStore,
  opts: { batchSize?: number; log?: (m: string) => void } = {},
): Promise<MoveResult> {
  const batch = opts.batchSize ?? 100;
  const log = opts.log ?? (() => {});
  const result: MoveResult = { moved: 0, mismatched: [], remaining: 0 };
  const [{ n: total }] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Scan" WHERE "bytes" IS NOT NULL`);
  if (total === 0) return result;
  log(`moving the bytes of ${total} scan${total === 1 ? "" : "s"} from the Scan table into the scan store (${store.location})`);
  let after: string | null = null;
  for (;;) {
    const ids: { id: string }[] = await query<{ id: string }>(
      `SELECT "id"::text AS "id" FROM "Scan" WHERE "bytes" IS NOT NULL ${after ? `AND "id" > $2::uuid` : ""} ORDER BY "id" LIMIT $1`,
      after ? [batch, after] : [batch],
    );
    if (!ids.length) break;
    for (const { id } of ids) {
      // one row's bytes in memory at a time, however large the batch
      const [row] = await query<{ sha256: string; byteSize: number; bytes: Uint8Array | null }>(
        `SELECT "sha256", "byteSize", "bytes" FROM "Scan" WHERE "id" = $1::uuid`,
        [id],
      );
      if (!row?.bytes) continue;
      const bytes = row.bytes;
      const actual = sha256Hex(bytes);
      if (actual !== row.sha256 || bytes.byteLength !== row.byteSize) {
        result.mismatched.push({ id, recordedSha256: row.sha256, actualSha256: actual, recordedSize: row.byteSize, actualSize: bytes.byteLength });
        log(`  scan ${id}: its bytes hash to ${actual.slice(0, 12)}… (${bytes.byteLength} bytes) but the row records ${String(row.sha256).slice(0, 12)}… (${row.byteSize} bytes); left in the table`);
        continue;
      }
      const stored = await store.put(bytes);
      const check = await store.verify(stored.key);
      if (!check.ok || check.sha256 !== row.sha256 || check.size !== bytes.byteLength)
        throw new Error(`The scan store returned different bytes for scan ${id} (sha256 ${check.sha256}, ${check.size} bytes; expected ${row.sha256}, ${bytes.byteLength}); nothing was changed for this row.`);
      await query(`UPDATE "Scan" SET "storageKey" = $2, "bytes" = NULL WHERE "id" = $1::uuid AND "bytes" IS NOT NULL`, [id, stored.key]);
      result.moved++;
    }
    after = ids[ids.length - 1].id;
    log(`  ${result.moved} of ${total} moved`);
  }
  const [{ n: remaining }] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM "Scan" WHERE "bytes" IS NOT NULL`);
  result.remaining = remaining;
  return result;
}
