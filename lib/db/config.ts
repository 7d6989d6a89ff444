import { resolve } from "node:path";

export type DatabaseKind = "postgres" | "embedded";

export type DatabaseConfig =
  | { kind: "postgres"; url: string }
  | { kind: "embedded"; dataDir: string };

/**
 * `DATABASE_URL` set → that PostgreSQL server. Unset → the embedded PGlite database in
 * `FUSION_DATA_DIR` (default `./data/pglite`), so the dashboard runs with zero servers.
 */
export function databaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) return { kind: "postgres", url };
  const base = env.FUSION_DATA_DIR?.trim() || resolve(process.cwd(), "data");
  return { kind: "embedded", dataDir: resolve(base, "pglite") };
}

/**
 * Where migrations run: `DATABASE_MIGRATION_URL` (the role that owns the tables), else
 * `DATABASE_URL` (one role for both: simpler, weaker — see lib/auth/README.md "Database roles").
 */
export function migrationDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const cfg = databaseConfig(env);
  const url = env.DATABASE_MIGRATION_URL?.trim();
  if (cfg.kind === "postgres" && url) return { kind: "postgres", url };
  return cfg;
}

/** The URL with any password masked, for logs and /api/health. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}
