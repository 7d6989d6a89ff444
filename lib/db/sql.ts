import pg from "pg";
import { mkdirSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";
import type { DatabaseConfig } from "./config";

/** The least a migration runner or a raw bulk job needs from either engine. */
export interface SqlConnection {
  readonly kind: "postgres" | "embedded";
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export async function openPglite(dataDir: string): Promise<PGlite> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  return db;
}

export function pgliteConnection(db: PGlite, ownsDb = false): SqlConnection {
  return {
    kind: "embedded",
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await db.query<T>(sql, params as never[]);
      return r.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async close() {
      if (ownsDb) await db.close();
    },
  };
}

export async function pgConnection(url: string): Promise<SqlConnection> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind: "postgres",
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await client.query(sql, params);
      return r.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}

export async function openSqlConnection(cfg: DatabaseConfig): Promise<SqlConnection> {
  if (cfg.kind === "postgres") return pgConnection(cfg.url);
  return pgliteConnection(await openPglite(cfg.dataDir), true);
}
