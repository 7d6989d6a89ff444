import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { assessmentQueue, assessmentQueued } from "@/lib/jobs/runtime";
import { applyPlan, importResponseBundle, parseJsonText, planBundle, type ImportContext, type ImportSummary } from "./import";
import { planNdjson } from "./ndjson";
import { fhirResponse } from "./outcome";

/**
 * POST /fhir/R4 behind the handler: check everything first (a refusal writes nothing), then write
 * with the process's assessment queue — database only: re-assessments are queued on the registry's
 * active model for the workers, this process loads no model (none registered yet: the records are
 * imported and the answer says no re-assessment was queued) — and wake the in-process worker.
 */
export async function importFhirText(db: PrismaClient, text: string, contentType: string, who: { actor: Actor; request: RequestInfo }): Promise<Response> {
  const base: ImportContext = { actor: who.actor, request: who.request, queue: null };
  const ndjson = /^application\/x-ndjson\b/i.test(contentType);
  const plans = ndjson ? await planNdjson(text, base) : [await planBundle(parseJsonText(text), base)];
  const ctx: ImportContext = { ...base, queue: await assessmentQueue() };
  const summary: ImportSummary = { bundleType: ndjson ? "batch" : plans[0].bundleType, entries: [], patients: [], notQueued: 0 };
  for (const plan of plans) {
    const s = await applyPlan(db, plan, ctx);
    summary.entries.push(...s.entries);
    summary.patients.push(...s.patients);
    summary.notQueued += s.notQueued;
  }
  if (summary.patients.some((p) => p.assessmentId)) assessmentQueued();
  return fhirResponse(importResponseBundle(summary), 200);
}
