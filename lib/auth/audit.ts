import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { AuditOutcome } from "@/lib/generated/prisma/enums";
import type { Actor, RequestInfo } from "./actor";

type Tx = Pick<PrismaClient, "auditEvent">;

export type AuditEntry = {
  actor: Actor | null;
  /** e.g. patient.read, patient.create, condition.create, export.create, auth.login */
  action: string;
  entityType?: string;
  entityId?: string | null;
  patientId?: string | null;
  outcome: AuditOutcome;
  request?: RequestInfo;
  details?: Record<string, unknown>;
  /** username tried at a failed sign-in, when there is no actor */
  username?: string;
};

/**
 * Appends one AuditEvent. Pass the transaction client when the audited write happens in a
 * transaction, so the change and its audit row commit (or roll back) together.
 */
export async function audit(db: Tx, e: AuditEntry): Promise<void> {
  await db.auditEvent.create({
    data: {
      // a DICOMweb source pushing with its token is no user: its name stands in the username
      userId: e.actor?.source ? null : (e.actor?.userId ?? null),
      username: e.actor?.username ?? e.username ?? null,
      role: e.actor?.source ? null : (e.actor?.role ?? null),
      action: e.action,
      entityType: e.entityType ?? null,
      entityId: e.entityId ?? null,
      patientId: e.patientId ?? null,
      outcome: e.outcome,
      clientAddress: e.request?.clientAddress ?? null,
      source: e.request?.source ?? null,
      details: (e.actor?.source ? { ...e.details, dicomwebSource: e.actor.source } : (e.details ?? undefined)) as never,
    },
  });
}
