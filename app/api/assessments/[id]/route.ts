import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { getAssessment } from "@/lib/db/assessments";
import type { AssessmentDetail } from "@/lib/domain/assessment";

export const dynamic = "force-dynamic";
type P = { id: string };

/** Status, scores, explanation (incl. the saliency map) of one assessment. Polled by the record page. */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const a = await getAssessment(await prisma(), id);
  await auditRead(actor, req, "assessment.read", "Assessment", a.id, a.patientId);
  return a satisfies AssessmentDetail;
});
