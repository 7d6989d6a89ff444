import type { PrismaClient, Prisma } from "@/lib/generated/prisma/client";

/*
 * Worker heartbeats (WorkerHeartbeat): each assessment worker writes its row when it starts and
 * every HEARTBEAT_MS while it runs, and deletes it when it stops. A row seen within ALIVE_WITHIN_MS
 * is a live worker; /api/health reads them (the web tier does not load the model itself).
 */

export const HEARTBEAT_MS = 15_000;
/** A worker that missed three beats (crashed, or stopped without saying so) no longer counts. */
export const ALIVE_WITHIN_MS = 4 * HEARTBEAT_MS;
/** Rows of workers gone this long are deleted by whichever worker beats next. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

export type WorkerBeat = {
  id: string;
  host: string;
  pid: number;
  source: string;
  modelName: string;
  modelVersion: string;
  backend: string;
  concurrency: number;
  processed: Record<string, number>;
  startedAt: Date;
};

type Db = Pick<PrismaClient, "workerHeartbeat">;

export async function recordHeartbeat(db: Db, w: WorkerBeat, now = new Date()): Promise<void> {
  const data = { ...w, processed: w.processed as Prisma.InputJsonValue, lastSeenAt: now };
  await db.workerHeartbeat.upsert({ where: { id: w.id }, create: data, update: data });
  await db.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: new Date(now.getTime() - FORGET_AFTER_MS) } } });
}

export async function removeHeartbeat(db: Db, id: string): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { id } });
}

export type LiveWorker = { id: string; source: string; model: string; backend: string; lastSeenAt: Date };

/** Workers seen within ALIVE_WITHIN_MS, most recently seen first. */
export async function liveWorkers(db: Db, now = new Date()): Promise<LiveWorker[]> {
  const rows = await db.workerHeartbeat.findMany({
    where: { lastSeenAt: { gte: new Date(now.getTime() - ALIVE_WITHIN_MS) } },
    orderBy: { lastSeenAt: "desc" },
    select: { id: true, source: true, modelName: true, modelVersion: true, backend: true, lastSeenAt: true },
  });
  return rows.map((r) => ({ id: r.id, source: r.source, model: `${r.modelName}@${r.modelVersion}`, backend: r.backend, lastSeenAt: r.lastSeenAt }));
}
