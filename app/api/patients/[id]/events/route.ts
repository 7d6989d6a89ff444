import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { getPatient } from "@/lib/db/patients";
import { inProcessWorker } from "@/lib/jobs/runtime";
import { assessmentStatusStream } from "@/lib/jobs/status-stream";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * Server-sent events: the status of this patient's recent assessments (queued → running → done /
 * failed), pushed as soon as the in-process worker (if this server runs one) reports a change,
 * else checked every second.
 */
export const GET = route<{ id: string }>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const db = await prisma();
  await getPatient(db, id);
  await auditRead(actor, req, "assessment.watch", "Patient", id, id);
  const stream = assessmentStatusStream(db, id, req.signal, inProcessWorker());
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
});
