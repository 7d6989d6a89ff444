import { getDb } from "./client";
import { databaseConfig } from "./config";

export type HealthReport = {
  status: "ok" | "degraded";
  database: { kind: "postgres" | "embedded"; serverVersion: string | null; migrations: number; ok: boolean; error?: string };
  versions: { app: string; node: string };
  model: { backend: string | null; active: string | null };
  time: string;
};

/** Reports the database kind and versions; the model part is filled by whoever registers a reporter. */
export async function healthReport(): Promise<HealthReport> {
  const kind = databaseConfig().kind;
  const base = {
    versions: { app: process.env.npm_package_version ?? "0.1.0", node: process.version },
    model: await modelStatus(),
    time: new Date().toISOString(),
  };
  try {
    const db = (await getDb()).prisma;
    const [{ version }] = await db.$queryRaw<{ version: string }[]>`SELECT current_setting('server_version') AS version`;
    const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;
    return { status: "ok", database: { kind, serverVersion: version, migrations: n, ok: true }, ...base };
  } catch (e) {
    return { status: "degraded", database: { kind, serverVersion: null, migrations: 0, ok: false, error: (e as Error).message.split("\n")[0] }, ...base };
  }
}

type ModelStatus = HealthReport["model"];
const g = globalThis as unknown as { __fusionModelStatus?: () => Promise<ModelStatus> };

/** lib/fusion (floor 2, beside db) registers how to report the loaded model and backend. */
export function registerModelStatus(fn: () => Promise<ModelStatus>) {
  g.__fusionModelStatus = fn;
}

async function modelStatus(): Promise<ModelStatus> {
  try {
    return (await g.__fusionModelStatus?.()) ?? { backend: null, active: null };
  } catch {
    return { backend: null, active: null };
  }
}

/** What an anonymous caller may see: no software versions, no error text. */
export function publicHealth(h: HealthReport) {
  return {
    status: h.status,
    database: { kind: h.database.kind, ok: h.database.ok, migrations: h.database.migrations },
    model: h.model,
    time: h.time,
  };
}
