// Throwaway PostgreSQL databases for integration tests (*.int.test.ts).
//
//   const db = await createTestDatabase("patients");   // fresh database, all migrations applied
//   process.env.DATABASE_URL = db.url;                  // before the first import of lib/db/client
//   ...
//   await db.drop();                                    // in afterAll
//
// The server is TEST_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres, trust auth);
// the admin connection creates and drops databases, the migration runs over pgConnection(url).
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "@/lib/db/migrate";
import { pgConnection } from "@/lib/db/sql";

export type TestDatabase = { name: string; url: string; drop(): Promise<void> };

export const adminUrl = () =>
  process.env.TEST_PG_ADMIN_URL ?? process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates a uniquely named database and applies every committed migration. */
export async function createTestDatabase(label = "t", opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const slug = label.toLowerCase().replace(/[^a-z0-9_]+/g, "_").slice(0, 30);
  const name = `fcds_${slug}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  const url = u.toString();
  if (opts.migrate !== false) {
    const conn = await pgConnection(url);
    try {
      await migrate(conn);
    } catch (e) {
      await conn.close();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      throw e;
    } finally {
      await conn.close().catch(() => {});
    }
  }
  let dropped = false;
  return {
    name,
    url,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
