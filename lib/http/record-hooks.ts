import type { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/auth/actor";
import type { RecordPart } from "@/lib/domain/scan";
import { recordChanged } from "@/lib/jobs/record-changed";
import { assessmentQueue, assessmentQueued } from "@/lib/jobs/runtime";
import { auditWrite } from "./audit-hooks";

/**
 * The after-write hook of every write to a patient's record (demographics, history, family
 * history, diet) through the API: the audit row (`auditWrite`), then `recordChanged` — the record
 * version moves and a debounced re-assessment is scheduled — inside the write's own transaction.
 * An update that changed no field is no change of the record.
 */
export function recordWrite<T extends { id: string }>(
  actor: Actor,
  req: Request,
  action: string,
  entityType: string,
  patientId: string | ((r: T) => string),
  part: RecordPart,
  details?: Record<string, unknown>,
) {
  const auditHook = auditWrite<T>(actor, req, action, entityType, patientId, details);
  return async (tx: Prisma.TransactionClient, r: T, change?: { fields: string[] }) => {
    await auditHook(tx, r, change);
    if (change && change.fields.length === 0) return;
    const pid = typeof patientId === "function" ? patientId(r) : patientId;
    const out = await recordChanged(tx, pid, { source: "user", what: [part], requestedById: actor.userId }, assessmentQueue);
    // the worker polls for the debounced job; nothing to wake now
    if (out.assessment && !out.notBefore) assessmentQueued();
  };
}
