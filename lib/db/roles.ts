import type { SqlConnection } from "./sql";

/**
 * PostgreSQL with two roles (issue 10, Medium 11): migrations run as the role that owns the tables
 * (DATABASE_MIGRATION_URL); the app connects as another role (DATABASE_URL) that owns nothing, so
 * it cannot drop or disable the audit trail's triggers, alter its tables or TRUNCATE anything. This
 * grants that role what the app needs, and on AuditEvent only SELECT and INSERT.
 * Run after every migration (idempotent): tables added later get their grants the same way.
 */
export function appRoleGrants(role: string, opts: { queueSchema?: boolean } = {}): string[] {
  const r = quoteIdent(role);
  return [
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    // no TRUNCATE, REFERENCES or TRIGGER anywhere
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
    // the audit trail: append and read, nothing else
    `REVOKE ALL ON "AuditEvent" FROM ${r}`,
    `GRANT SELECT, INSERT ON "AuditEvent" TO ${r}`,
    // the migration ledger: read (GET /api/health counts migrations)
    `REVOKE ALL ON "_prisma_migrations" FROM ${r}`,
    `GRANT SELECT ON "_prisma_migrations" TO ${r}`,
    // the assessment queue (pg-boss): its tables are created by the owner (installQueue), used by the app
    ...(opts.queueSchema
      ? [
          `GRANT USAGE ON SCHEMA pgboss TO ${r}`,
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA pgboss TO ${r}`,
          `GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA pgboss TO ${r}`,
        ]
      : []),
  ];
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The login role of a postgres:// URL (libpq's default when the URL has none: the OS user). */
export function roleOf(url: string): string {
  const u = new URL(url);
  return decodeURIComponent(u.username) || process.env.PGUSER || process.env.USER || "postgres";
}

/**
 * The app's own role when it differs from the migration role, else null (one URL: the app is the
 * owner — it works, but the owner can disable the audit triggers; see lib/auth/README.md).
 */
export function separateAppRole(appUrl: string | undefined, migrationUrl: string | undefined): string | null {
  if (!appUrl || !migrationUrl) return null;
  const app = roleOf(appUrl);
  return app === roleOf(migrationUrl) ? null : app;
}

/** Applies appRoleGrants as the owner; refuses when the app role owns AuditEvent (no protection). */
export async function grantAppRole(conn: SqlConnection, role: string): Promise<void> {
  const [t] = await conn.query<{ owner: string }>(`SELECT tableowner AS owner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'AuditEvent'`);
  if (t?.owner === role) throw new Error(`The app role "${role}" owns the AuditEvent table: use a role that owns no tables in DATABASE_URL.`);
  const [q] = await conn.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'pgboss'`);
  for (const sql of appRoleGrants(role, { queueSchema: q.n > 0 })) await conn.query(sql);
}
