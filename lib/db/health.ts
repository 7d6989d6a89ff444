import type { PrismaClient } from "@/lib/generated/prisma/client";
import { getDb } from "./client";
import { databaseConfig } from "./config";
import { activeModel } from "./model-registry";
import { liveWorkers } from "./workers";

export type HealthReport = {
  status: "ok" | "degraded";
  database: { kind: "postgres" | "embedded"; serverVersion: string | null; migrations: number; ok: boolean; error?: string };
  versions: { app: string; node: string };
  /** active: the registry's active version; backend: what the live workers serving it run on */
  model: { backend: string | null; active: string | null };
  /** assessment workers that reported within the last minute (in-process and `npm run worker`) */
  workers: { alive: number };
  time: string;
};

/**
 * Reports the database kind and versions, and the model from the database: the active version in
 * the ModelVersion registry and the backend from worker heartbeats. The web tier never loads the
 * model to answer this.
 */
export async function healthReport(): Promise<HealthReport> {
  const kind = databaseConfig().kind;
  const base = {
    versions: { app: process.env.npm_package_version ?? "0.1.0", node: process.version },
    time: new Date().toISOString(),
  };
  const noModel = { model: { backend: null, active: null }, workers: { alive: 0 } };
  try {
    const db = (await getDb()).prisma;
    const [{ version }] = await db.$queryRaw<{ version: string }[]>`SELECT current_setting('server_version') AS version`;
    const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;
    const models = await modelStatus(db).catch(() => noModel);
    return { status: "ok", database: { kind, serverVersion: version, migrations: n, ok: true }, ...models, ...base };
  } catch (e) {
    return { status: "degraded", database: { kind, serverVersion: null, migrations: 0, ok: false, error: (e as Error).message.split("\n")[0] }, ...noModel, ...base };
  }
}

/** The registry's active model, and the backend of the live worker that most recently reported serving it. */
export async function modelStatus(db: Pick<PrismaClient, "modelVersion" | "workerHeartbeat">): Promise<Pick<HealthReport, "model" | "workers">> {
  const [active, workers] = await Promise.all([activeModel(db), liveWorkers(db)]);
  const name = active ? `${active.name}@${active.version}` : null;
  const serving = workers.find((w) => w.model === name) ?? null;
  return { model: { backend: serving?.backend ?? null, active: name }, workers: { alive: workers.length } };
}

/** What an anonymous caller may see: no software versions, no error text. */
export function publicHealth(h: HealthReport) {
  return {
    status: h.status,
    database: { kind: h.database.kind, ok: h.database.ok, migrations: h.database.migrations },
    model: h.model,
    workers: h.workers,
    time: h.time,
  };
}
