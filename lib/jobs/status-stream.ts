import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { AssessmentWorker } from "./worker";
import { assessmentInForce } from "@/lib/db/in-force";

export type AssessmentStatusEvent = { id: string; scanId: string | null; status: string; error: string | null; completedAt: string | null };

/** The record's version now (bumped by every change, lib/jobs/record-changed.ts). */
export type RecordVersionEvent = { recordVersion: number };

/**
 * An SSE body: an `assessments` event with the current statuses whenever they change, a `record`
 * event with the record version whenever it changes (an edit in another tab or by another user, a
 * FHIR import: the record page refreshes and shows "the record changed since this score"), plus a
 * comment heartbeat every 15 s. Ends when the client goes away.
 */
export function assessmentStatusStream(db: PrismaClient, patientId: string, signal: AbortSignal, worker: AssessmentWorker | null, pollMs = 1000): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let last = "";
  let lastVersion = -1;
  let timer: ReturnType<typeof setInterval> | null = null;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  let unsubscribe: (() => void) | null = null;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (closed) return;
        closed = true;
        if (timer) clearInterval(timer);
        if (heartbeat) clearInterval(heartbeat);
        unsubscribe?.();
        try {
          controller.close();
        } catch {}
      };
      const check = async () => {
        if (closed) return;
        try {
          const p = await db.patient.findUnique({ where: { id: patientId }, select: { recordVersion: true } });
          if (p && p.recordVersion !== lastVersion && !closed) {
            lastVersion = p.recordVersion;
            controller.enqueue(enc.encode(`event: record\ndata: ${JSON.stringify({ recordVersion: p.recordVersion } satisfies RecordVersionEvent)}\n\n`));
          }
          const rows = await db.assessment.findMany({
            where: { patientId, ...assessmentInForce },
            orderBy: { createdAt: "desc" },
            take: 20,
            select: { id: true, scanId: true, status: true, error: true, completedAt: true },
          });
          const events: AssessmentStatusEvent[] = rows.map((r) => ({ ...r, completedAt: r.completedAt?.toISOString() ?? null }));
          const json = JSON.stringify(events);
          if (json !== last && !closed) {
            last = json;
            controller.enqueue(enc.encode(`event: assessments\ndata: ${json}\n\n`));
          }
        } catch (e) {
          if (!closed) controller.enqueue(enc.encode(`event: error\ndata: ${JSON.stringify({ message: (e as Error).message.split("\n")[0] })}\n\n`));
        }
      };
      controller.enqueue(enc.encode("retry: 2000\n\n"));
      void check();
      timer = setInterval(check, pollMs);
      heartbeat = setInterval(() => !closed && controller.enqueue(enc.encode(": keep-alive\n\n")), 15_000);
      unsubscribe = worker?.onEvent(() => void check()) ?? null;
      signal.addEventListener("abort", close);
    },
    cancel() {
      closed = true;
      if (timer) clearInterval(timer);
      if (heartbeat) clearInterval(heartbeat);
      unsubscribe?.();
    },
  });
}
