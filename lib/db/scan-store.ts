import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";
import { createScanStore, scanStoreConfig, type BlobDatabase, type ScanStore, type ScanStoreConfig, type SqlQuery } from "@/lib/storage";
import { moveLegacyScanBytes, type MoveResult } from "@/lib/storage/move-legacy";
import type { SqlConnection } from "./sql";

type Db = PrismaClient | Prisma.TransactionClient;

/** Raw statements through a Prisma client or an open interactive transaction. */
export const prismaSql = (db: Db): SqlQuery => (sql, params = []) => db.$queryRawUnsafe(sql, ...params);

export function prismaBlobDatabase(db: PrismaClient): BlobDatabase {
  return {
    query: prismaSql(db),
    transaction: (fn) => db.$transaction((tx) => fn(prismaSql(tx)), { timeout: 10 * 60_000, maxWait: 30_000 }),
  };
}

/** The same over one plain connection (migration runner, CLIs): BEGIN … COMMIT on it. */
export function connectionBlobDatabase(conn: SqlConnection): BlobDatabase {
  const query: SqlQuery = (sql, params) => conn.query(sql, params);
  return {
    query,
    async transaction(fn) {
      await conn.exec("BEGIN");
      try {
        const r = await fn(query);
        await conn.exec("COMMIT");
        return r;
      } catch (e) {
        await conn.exec("ROLLBACK");
        throw e;
      }
    },
  };
}

/**
 * The configured scan-file store (FUSION_SCAN_STORE, FUSION_SCAN_STORE_DIR) for a database: the
 * file store ignores `db`; the postgres store lives in it. Stores hold no state: cheap to make.
 */
export function scanStoreFor(db: PrismaClient, cfg: ScanStoreConfig = scanStoreConfig()): ScanStore {
  return createScanStore(cfg, () => prismaBlobDatabase(db));
}

/** The same for a plain connection (db:migrate, scans:migrate-store, scans:sweep). */
export function scanStoreForConnection(conn: SqlConnection, cfg: ScanStoreConfig = scanStoreConfig()): ScanStore {
  return createScanStore(cfg, () => connectionBlobDatabase(conn));
}

/** Is a stored file still referenced by a Scan row? (the sweep's question) */
export const scanReferences = (query: SqlQuery) => async (key: string) =>
  (await query(`SELECT 1 FROM "Scan" WHERE "storageKey" = $1 LIMIT 1`, [key])).length > 0;

/**
 * The data step after the SQL migrations (db:migrate, scans:migrate-store): moves scan bytes still
 * in the `Scan` table into the configured store (see `moveLegacyScanBytes`).
 */
export function moveLegacyBytesOver(conn: SqlConnection, log: (m: string) => void = () => {}, batchSize?: number): Promise<MoveResult> {
  return moveLegacyScanBytes((sql, params) => conn.query(sql, params), scanStoreForConnection(conn), { log, batchSize });
}
