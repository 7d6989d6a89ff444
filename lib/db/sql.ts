import pg from "pg";
import { chmodSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { DatabaseConfig } from "./config";
import { lockDataDir } from "./data-dir-lock";

/** The least a migration runner or a raw bulk job needs from either engine. */
export interface SqlConnection {
  readonly kind: "postgres" | "embedded";
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the embedded database in `dataDir` for this process alone (lib/db/data-dir-lock.ts): a second
 * opener, in another process or this one, gets a DataDirLockedError naming the holder before PGlite
 * touches the folder. `close()` on the returned PGlite releases the lock.
 * The folder is private (0700, files 0600): see `makePrivate`.
 */
export async function openPglite(dataDir: string): Promise<PGlite> {
  // 0700 for every folder this creates (FUSION_DATA_DIR too); an existing data folder is tightened.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  makePrivate(dataDir, false);
  const lock = lockDataDir(dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
    const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
    makePrivate(dataDir);
    const close = db.close.bind(db);
    db.close = async () => {
      try {
        await close();
      } finally {
        lock.release();
      }
    };
    return db;
  } catch (e) {
    lock.release();
    throw e;
  }
}

/**
 * Takes group and other rights off `dir` and (with `deep`) everything under it, without following
 * symbolic links: folders become 0700, files 0600. PostgreSQL creates its own files 0600, but PGlite
 * unpacks a new cluster (about a thousand files) with the process umask, and folders made by earlier
 * versions of this app are 0755/0644. Not a umask instead: that is process-wide (other requests write
 * files meanwhile) and cannot be set from a worker thread.
 */
export function makePrivate(dir: string, deep = true): void {
  let refused = 0;
  const walk = (p: string) => {
    try {
      const s = lstatSync(p);
      if (s.isSymbolicLink()) return;
      // only ever takes rights away: 0644 → 0600, 0755 → 0700, a 0400 file stays 0400
      if (s.mode & 0o077) chmodSync(p, s.mode & 0o700);
      if (deep && s.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPERM") refused++; // owned by another account: say so, but open anyway
      // ENOENT: PostgreSQL removed it meanwhile (a recycled WAL segment, a temp file)
      else if (code !== "ENOENT") throw e;
    }
  };
  walk(dir);
  if (refused) console.warn(`[db] could not make ${refused} file(s) under ${dir} private (owned by another account): chmod -R go-rwx ${dir}`);
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
