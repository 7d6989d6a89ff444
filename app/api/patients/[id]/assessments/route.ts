import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { parseOrThrow, ReassessInput } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { assessmentQueue } from "@/lib/jobs/runtime";
import { requestAssessment } from "@/lib/jobs/request-assessment";
import type { ReassessResult } from "@/lib/domain/responses";
import { enforceActionLimit } from "@/lib/auth/action-limit";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Re-assess on demand: `{ "scanId": "…" }` for a scan, `{}` or `{ "scanId": null }` for the record alone. */
export const POST = route<{ id: string }>("assessment:run", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  await enforceActionLimit(await prisma(), actor, "assessment.run"); // 429 before reading anything
  const input = parseOrThrow(ReassessInput, await readJson(req), "assessment request");
  const a = await requestAssessment(await prisma(), await assessmentQueue(), { patientId: id, scanId: input.scanId ?? null, actor, request: requestInfo(req) });
  return Response.json({ assessment: a } satisfies ReassessResult, { status: 202 });
});
