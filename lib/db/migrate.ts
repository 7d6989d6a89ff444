import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SqlConnection } from "./sql";

export const defaultMigrationsDir = () => resolve(process.cwd(), "prisma", "migrations");

export type Migration = { name: string; sql: string; checksum: string };

export function readMigrations(dir = defaultMigrationsDir()): Migration[] {
  if (!existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

// Same table Prisma Migrate keeps, so `prisma migrate status` agrees with this runner.
const createLedger = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Arbitrary constant: serialises concurrent runners (two servers starting at once).
const LOCK_KEY = 727_270_001;

export type MigrateResult = { applied: string[]; skipped: string[] };

/**
 * Applies committed SQL migrations in name order, each in its own transaction, under an advisory
 * lock. Idempotent: applied ones are skipped. A changed file that was already applied is an error
 * (edit history with a new migration, never in place).
 */
export async function migrate(conn: SqlConnection, migrations = readMigrations(), log: (m: string) => void = () => {}): Promise<MigrateResult> {
  await conn.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
  try {
    await conn.exec(createLedger);
    const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const done = new Map(rows.filter((r) => r.finished_at).map((r) => [r.migration_name, r.checksum]));
    const applied: string[] = [];
    const skipped: string[] = [];
    for (const m of migrations) {
      const prev = done.get(m.name);
      if (prev) {
        if (prev !== m.checksum)
          throw new Error(`Migration ${m.name} was changed after it was applied (checksum differs). Add a new migration instead.`);
        skipped.push(m.name);
        continue;
      }
      log(`applying ${m.name}`);
      await conn.exec("BEGIN");
      try {
        await conn.exec(m.sql);
        await conn.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await conn.exec("COMMIT");
      } catch (e) {
        await conn.exec("ROLLBACK");
        throw new Error(`Migration ${m.name} failed and was rolled back: ${(e as Error).message}`);
      }
      applied.push(m.name);
    }
    return { applied, skipped };
  } finally {
    await conn.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
  }
}
