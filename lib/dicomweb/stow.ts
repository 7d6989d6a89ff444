import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/domain/errors";
import { audit } from "@/lib/auth/audit";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import type { AssessmentQueue } from "@/lib/jobs/queue";
import { requireActiveModel } from "@/lib/jobs/queue-assessment";
import { uploadLimitBytes } from "@/lib/ingest/multipart";
import { parseContentType, readRelatedParts, relatedBoundary } from "./multipart";
import { ingestInstance, type InstanceOutcome } from "./ingest";
import { FAILURE, stowResponse, type StowSummary } from "./stow-response";
import { dicomwebUrls } from "./urls";

/** Largest STOW-RS request body (all instances together): FUSION_STOW_LIMIT_BYTES, default 4 GiB. */
export const stowLimitBytes = () => Number(process.env.FUSION_STOW_LIMIT_BYTES ?? 4 * 1024 * 1024 * 1024);
/** Instances per STOW-RS request. */
export const STOW_MAX_INSTANCES = 1000;

/**
 * STOW-RS (PS3.18 §10.5): every part of a multipart/related; type="application/dicom" body is one
 * instance and goes through `ingestInstance` — the upload's validation, patient matching by MRN,
 * storage and queued assessment — one after the other as the body streams in. The answer reports
 * each instance (stow-response.ts). A body that is not multipart/related is refused whole (415);
 * one that breaks off or turns malformed after some instances keeps those and reports the rest as
 * one failed item.
 */
export async function storeInstances(
  db: PrismaClient,
  queue: AssessmentQueue,
  req: Request,
  ctx: { actor: Actor; request: RequestInfo; studyInstanceUid?: string },
): Promise<StowSummary> {
  const boundary = relatedBoundary(req.headers.get("content-type"));
  await requireActiveModel(db); // 503 before reading the body: nothing could be assessed
  const outcomes: InstanceOutcome[] = [];
  const via = ctx.actor.source ? `stow-rs:${ctx.actor.source.name}` : "stow-rs";
  try {
    for await (const part of readRelatedParts(req.body, boundary, { maxPartBytes: uploadLimitBytes(), maxParts: STOW_MAX_INSTANCES, maxTotalBytes: stowLimitBytes() })) {
      const type = parseContentType(part.contentType).mediaType;
      if (type && type !== "application/dicom") {
        outcomes.push({ ok: false, sopClassUid: null, sopInstanceUid: null, reason: FAILURE.cannotUnderstand, code: "unsupported_part_type", message: `Part ${part.index + 1} is ${type}, not application/dicom.` });
        continue;
      }
      outcomes.push(await ingestInstance(db, queue, part.bytes, { actor: ctx.actor, request: ctx.request, via, target: { kind: "mrn" }, studyInstanceUid: ctx.studyInstanceUid }));
    }
  } catch (e) {
    if (!(e instanceof AppError) || e.status >= 500 || outcomes.length === 0) throw e;
    outcomes.push({ ok: false, sopClassUid: null, sopInstanceUid: null, reason: e.status === 413 ? FAILURE.outOfResources : FAILURE.cannotUnderstand, code: e.code, message: `The rest of the request could not be read: ${e.message}` });
  }
  if (outcomes.length === 0) throw new AppError(400, "no_instances", "The multipart/related body holds no instance.");
  const urls = dicomwebUrls(req);
  const summary = stowResponse(outcomes, { study: urls.study, instance: (o) => urls.instance(o.studyInstanceUid, o.seriesInstanceUid, o.sopInstanceUid) }, ctx.studyInstanceUid);
  // the stored instances are audited one by one (scan.create, per patient); this row records the request
  const patients = [...new Set(outcomes.filter((o) => o.ok).map((o) => (o as Extract<InstanceOutcome, { ok: true }>).patientId))];
  await audit(db, {
    actor: ctx.actor,
    action: "dicomweb.store",
    entityType: "Study",
    entityId: ctx.studyInstanceUid ?? null,
    patientId: patients.length === 1 ? patients[0] : null,
    outcome: summary.stored ? "success" : "failure",
    request: ctx.request,
    details: {
      stored: summary.stored,
      failed: summary.failed,
      patients,
      failures: outcomes.filter((o) => !o.ok).slice(0, 50).map((o) => ({ sopInstanceUid: o.sopInstanceUid, code: (o as Extract<InstanceOutcome, { ok: false }>).code })),
    },
  });
  return summary;
}
