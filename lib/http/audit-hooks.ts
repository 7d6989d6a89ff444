import type { Prisma } from "@/lib/generated/prisma/client";
import { audit } from "@/lib/auth/audit";
import { requestInfo, type Actor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";

/**
 * An after-write hook that appends the audit row inside the write's own transaction. An update
 * passes what it changed: the row records the field names (never their values: the audit trail is
 * searched by admins and exported, and must not become a second copy of the record).
 */
export function auditWrite<T extends { id: string }>(
  actor: Actor,
  req: Request,
  action: string,
  entityType: string,
  patientId: string | ((r: T) => string),
  details?: Record<string, unknown>,
) {
  return async (tx: Prisma.TransactionClient, r: T, change?: { fields: string[] }) =>
    audit(tx, {
      actor,
      action,
      entityType,
      entityId: r.id,
      patientId: typeof patientId === "function" ? patientId(r) : patientId,
      outcome: "success",
      request: requestInfo(req),
      details: change ? { ...details, changedFields: change.fields } : details,
    });
}

/** Audit row for a read of patient data (written after the read succeeded). */
export async function auditRead(actor: Actor, req: Request, action: string, entityType: string, entityId: string | null, patientId: string | null, details?: Record<string, unknown>) {
  await audit(await prisma(), { actor, action, entityType, entityId, patientId, outcome: "success", request: requestInfo(req), details });
}
