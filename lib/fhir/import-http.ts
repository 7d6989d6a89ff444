import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { jobRuntime } from "@/lib/jobs/runtime";
import { applyPlan, importResponseBundle, parseJsonText, planBundle, type ImportContext, type ImportSummary } from "./import";
import { planNdjson } from "./ndjson";
import { fhirResponse } from "./outcome";

/**
 * POST /fhir/R4 behind the handler: check everything first (a refusal needs no model and writes
 * nothing), then write with the process's queue and served model, and wake the in-process worker.
 */
export async function importFhirText(db: PrismaClient, text: string, contentType: string, who: { actor: Actor; request: RequestInfo }): Promise<Response> {
  const base: ImportContext = { actor: who.actor, request: who.request, jobs: null };
  const ndjson = /^application\/x-ndjson\b/i.test(contentType);
  const plans = ndjson ? await planNdjson(text, base) : [await planBundle(parseJsonText(text), base)];
  const rt = await jobRuntime();
  const ctx: ImportContext = { ...base, jobs: { queue: rt.queue, model: rt.assessor.model } };
  const summary: ImportSummary = { bundleType: ndjson ? "batch" : plans[0].bundleType, entries: [], patients: [] };
  for (const plan of plans) {
    const s = await applyPlan(db, plan, ctx);
    summary.entries.push(...s.entries);
    summary.patients.push(...s.patients);
  }
  rt.worker?.wake();
  return fhirResponse(importResponseBundle(summary), 200);
}
