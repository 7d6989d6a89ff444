import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { AssessmentWorker } from "./worker";

export type AssessmentStatusEvent = { id: string; scanId: string | null; status: string; error: string | null; completedAt: string | null };

/**
 * An SSE body: an `assessments` event with the current statuses whenever they change, plus a
 * comment heartbeat every 15 s. Ends when the client goes away.
 */
export function assessmentStatusStream(db: PrismaClient, patientId: string, signal: AbortSignal, worker: AssessmentWorker | null, pollMs = 1000): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let last = "";
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
          const rows = await db.assessment.findMany({
            where: { patientId },
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
