import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/domain/validate";
import { SendReportInput } from "@/lib/domain/dicomweb";
import { assessmentReport, sendAssessmentReport } from "@/lib/dicomweb/report";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** GET /api/assessments/{id}/report — the finished assessment as a DICOM Structured Report (application/dicom). */
export const GET = route<{ id: string }>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const r = await assessmentReport(await prisma(), id, { actor, request: requestInfo(req) });
  return new Response(Buffer.from(r.bytes), {
    headers: { "content-type": "application/dicom", "content-disposition": `attachment; filename="assessment-${id}-sr.dcm"` },
  });
});

/** POST /api/assessments/{id}/report { sourceId, saliencyCapture? } — send it (and the overlay as a Secondary Capture) to a PACS. */
export const POST = route<{ id: string }>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const { sourceId, saliencyCapture } = parseOrThrow(SendReportInput, await readJson(req, 4096), "report");
  return sendAssessmentReport(await prisma(), id, sourceId, { actor, request: requestInfo(req) }, { saliencyCapture });
});
