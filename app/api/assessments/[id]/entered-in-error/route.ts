import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { EnteredInErrorInput, parseOrThrow } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { markAssessmentEnteredInError } from "@/lib/jobs/entered-in-error";
import type { AssessmentEnteredInErrorResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/** `{ "reason": "…" }`: this assessment was entered in error; it leaves the working views and exports. Nothing is deleted. */
export const POST = route<{ id: string }>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(EnteredInErrorInput, await readJson(req), "entered in error");
  const { patientId: _patientId, ...out } = await markAssessmentEnteredInError(await prisma(), { assessmentId: id, reason: input.reason, actor, request: requestInfo(req) });
  return out satisfies AssessmentEnteredInErrorResult;
});
