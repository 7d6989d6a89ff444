import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { EnteredInErrorInput, parseOrThrow } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { assessmentQueue } from "@/lib/jobs/runtime";
import { markScanEnteredInError } from "@/lib/jobs/entered-in-error";
import type { ScanEnteredInErrorResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * `{ "reason": "…" }`: the scan was entered in error. It leaves the record's working views, new
 * assessments and exports; its assessments are superseded and the patient is re-assessed
 * (lib/jobs/entered-in-error.ts). Nothing is deleted.
 */
export const POST = route<{ id: string }>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(EnteredInErrorInput, await readJson(req), "entered in error");
  const { patientId: _patientId, ...out } = await markScanEnteredInError(await prisma(), await assessmentQueue(), { scanId: id, reason: input.reason, actor, request: requestInfo(req) });
  return out satisfies ScanEnteredInErrorResult;
});
