import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { HEARTBEAT_MS, recordHeartbeat, removeHeartbeat, type WorkerBeat } from "@/lib/db/workers";

/**
 * A worker's heartbeat: its WorkerHeartbeat row written at start and every HEARTBEAT_MS, removed
 * at a graceful stop. /api/health reads these rows; nothing reads process memory.
 */
export class Heartbeat {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly startedAt = new Date();

  constructor(
    private readonly db: PrismaClient,
    private readonly info: Omit<WorkerBeat, "id" | "processed" | "startedAt">,
    private readonly processed: () => Record<string, number>,
    private readonly intervalMs = HEARTBEAT_MS,
    private readonly log?: (m: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch((e) => this.log?.(`heartbeat failed: ${(e as Error).message}`)), this.intervalMs);
    this.timer.unref?.();
  }

  beat(): Promise<void> {
    return recordHeartbeat(this.db, { id: this.id, ...this.info, processed: this.processed(), startedAt: this.startedAt });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await removeHeartbeat(this.db, this.id).catch(() => {});
  }
}
