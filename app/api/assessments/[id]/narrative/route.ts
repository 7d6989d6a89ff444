import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { auditRead } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { getAssessmentNarrative } from "@/lib/db/assessment-narrative";
import type { AssessmentNarrative } from "@/lib/domain/narrative";
import { requestLocale } from "@/lib/i18n/negotiate";

export const dynamic = "force-dynamic";
type P = { id: string };

/** A finished assessment in plain words (lib/narrative), for the risk panel and read-aloud, in the user's interface language. */
export const GET = route<P>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const { patientId, ...n } = await getAssessmentNarrative(await prisma(), id, requestLocale(req, actor));
  await auditRead(actor, req, "assessment.narrative.read", "Assessment", n.assessmentId, patientId);
  return n satisfies AssessmentNarrative;
});
