import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { parseOrThrow, ReassessInput } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { jobRuntime } from "@/lib/jobs/runtime";
import { requestAssessment } from "@/lib/jobs/reassess";
import type { ReassessResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Re-assess on demand: `{ "scanId": "…" }` for a scan, `{}` or `{ "scanId": null }` for the record alone. */
export const POST = route<{ id: string }>("assessment:run", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(ReassessInput, await readJson(req), "assessment request");
  const rt = await jobRuntime();
  const a = await requestAssessment(await prisma(), rt.queue, rt.assessor, { patientId: id, scanId: input.scanId ?? null, actor, request: requestInfo(req) });
  rt.worker?.wake();
  return Response.json({ assessment: a } satisfies ReassessResult, { status: 202 });
});
