import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { AuditEvent } from "@/lib/generated/prisma/client";
import { ValidationError } from "@/lib/domain/errors";
import { AuditOutcome } from "@/lib/domain/enums";
import type { AuditEventOut } from "@/lib/domain/responses";
import { text } from "@/lib/domain/common";
import { redactLegacyDetails } from "./audit-redact";

type Db = Pick<PrismaClient, "auditEvent">;

const blankToUndef = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(blankToUndef, t.optional());

/** Filters of the admin audit search (query string of /api/admin/audit and the /admin/audit form). */
export const AuditQuery = z.object({
  from: opt(z.coerce.date()),
  to: opt(z.coerce.date()),
  username: opt(text().max(200)),
  userId: opt(z.uuid()),
  patientId: opt(z.uuid()),
  /** exact ("auth.login") or a prefix ending in a dot ("patient.") */
  action: opt(text().max(100)),
  outcome: opt(AuditOutcome),
  entityType: opt(text().max(100)),
  entityId: opt(text().max(200)),
  clientAddress: opt(text().max(100)),
  page: z.preprocess(blankToUndef, z.coerce.number().int().min(1).max(100_000).default(1)),
  pageSize: z.preprocess(blankToUndef, z.coerce.number().int().min(1).max(500).default(50)),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export function parseAuditQuery(input: Record<string, unknown>): AuditQuery {
  const r = AuditQuery.safeParse(input);
  if (!r.success)
    throw new ValidationError(
      "The audit search filters are not valid.",
      r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  return r.data;
}

function where(q: AuditQuery) {
  return {
    ...(q.from || q.to ? { occurredAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
    ...(q.username ? { username: q.username.trim().toLowerCase() } : {}),
    ...(q.userId ? { userId: q.userId } : {}),
    ...(q.patientId ? { patientId: q.patientId } : {}),
    ...(q.action ? { action: q.action.endsWith(".") ? { startsWith: q.action } : q.action } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.entityType ? { entityType: q.entityType } : {}),
    ...(q.entityId ? { entityId: q.entityId } : {}),
    ...(q.clientAddress ? { clientAddress: q.clientAddress } : {}),
  };
}

/** A row as admins see it; the chain columns (hash, prevHash) are for `npm run audit:verify`. */
export type AuditRow = Omit<AuditEvent, "id" | "hash" | "prevHash"> & { id: string };

export async function searchAudit(db: Db, q: AuditQuery): Promise<{ total: number; page: number; pageSize: number; items: AuditRow[] }> {
  const w = where(q);
  const [total, rows] = await Promise.all([
    db.auditEvent.count({ where: w }),
    db.auditEvent.findMany({ where: w, omit: { hash: true, prevHash: true }, orderBy: [{ occurredAt: "desc" }, { id: "desc" }], skip: (q.page - 1) * q.pageSize, take: q.pageSize }),
  ]);
  return { total, page: q.page, pageSize: q.pageSize, items: rows.map((r) => ({ ...r, id: r.id.toString(), details: redactLegacyDetails(r.action, r.details) as AuditRow["details"] })) };
}

/** An audit row as the API answers it (lib/domain/responses.ts AuditEventOut). */
export function toAuditEventOut(r: AuditRow): AuditEventOut {
  return { ...r, occurredAt: r.occurredAt.toISOString() };
}

/** The filters actually used, JSON-safe, for the audit row that records an audit search. */
export function scrubFilters(q: AuditQuery): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
  );
}
