import { z } from "zod";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { AuditEvent } from "@/lib/generated/prisma/client";
import { ValidationError } from "@/lib/domain/errors";
import { AuditOutcome } from "@/lib/domain/enums";
import type { AuditEventOut } from "@/lib/domain/responses";
import { text } from "@/lib/domain/common";
import { redactLegacyDetails, redactSearchText } from "./audit-redact";

type Db = Pick<PrismaClient, "auditEvent" | "patient">;

const blankToUndef = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(t: T) => z.preprocess(blankToUndef, t.optional());

/**
 * Filters of the admin audit search (query string of /api/admin/audit and the /admin/audit form).
 * Unknown parameters are refused (a misspelt filter must not silently show every event), and so is
 * `from` later than `to`.
 */
export const AuditQuery = z
  .object({
    from: opt(z.coerce.date({ error: "must be a date and time, e.g. 2026-12-02T08:00" })),
    to: opt(z.coerce.date({ error: "must be a date and time, e.g. 2026-12-02T18:00" })),
    username: opt(text().max(200)),
    userId: opt(z.uuid()),
    patientId: opt(z.uuid()),
    /**
     * the patient's MRN: events about that patient (resolved to its id only — the admin does not
     * see the record; the audit row of the search keeps a keyed hash of the MRN, not the MRN)
     */
    patientMrn: opt(text().max(64)),
    /** exact ("auth.login") or a prefix ending in a dot ("patient.") */
    action: opt(text().max(100)),
    outcome: opt(AuditOutcome),
    entityType: opt(text().max(100)),
    entityId: opt(text().max(200)),
    clientAddress: opt(text().max(100)),
    page: z.preprocess(blankToUndef, z.coerce.number().int().min(1).max(100_000).default(1)),
    /** keyset paging: `nextCursor` of the previous page (stable while events are being added) */
    cursor: opt(text().max(200)),
    pageSize: z.preprocess(blankToUndef, z.coerce.number().int().min(1).max(500).default(50)),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from.getTime() <= q.to.getTime(), { message: "must not be before `from`", path: ["to"] });
export type AuditQuery = z.infer<typeof AuditQuery>;

/** zod issues of an audit query in words: "to: must not be before `from`"; unknown keys named. */
export function auditQueryIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((i) =>
    i.code === "unrecognized_keys" ? i.keys.map((k) => ({ path: k, message: "is not an audit filter" })) : [{ path: i.path.join("."), message: i.message }],
  );
}

export function parseAuditQuery(input: Record<string, unknown>): AuditQuery {
  const r = AuditQuery.safeParse(input);
  if (!r.success) {
    const issues = auditQueryIssues(r.error);
    throw new ValidationError(`The audit search filters are not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}.`, issues);
  }
  if (r.data.cursor !== undefined) decodeCursor(r.data.cursor); // 400 now, not later
  return r.data;
}

/**
 * Keyset paging (issue 10, Low 17). Events are ordered newest first by (occurredAt, id) — a total
 * order, even for many events in the same millisecond — and a page continues strictly after the
 * last event of the previous one. Offset pages shifted whenever an event was added between two
 * requests (and every page of an export adds one: audit.export), duplicating events.
 * The cursor is opaque to clients: base64url of "<occurredAt ISO>|<id>".
 */
type Cursor = { at: Date; id: bigint };

export function encodeCursor(r: { occurredAt: Date; id: bigint | string }): string {
  return Buffer.from(`${r.occurredAt.toISOString()}|${r.id}`, "utf8").toString("base64url");
}

export function decodeCursor(s: string): Cursor {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|(\d{1,19})$/.exec(Buffer.from(s, "base64url").toString("utf8"));
  const at = m ? new Date(m[1]) : null;
  if (!m || !at || Number.isNaN(at.getTime())) throw ValidationError.field("cursor", "is not a cursor from an earlier page (use nextCursor / the next link as given)");
  return { at, id: BigInt(m[2]) };
}

function where(q: AuditQuery, mrnPatientId: string | undefined) {
  return {
    ...(q.from || q.to ? { occurredAt: { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lte: q.to } : {}) } } : {}),
    ...(q.username ? { username: q.username.trim().toLowerCase() } : {}),
    ...(q.userId ? { userId: q.userId } : {}),
    ...(mrnPatientId ?? q.patientId ? { patientId: mrnPatientId ?? q.patientId } : {}),
    ...(q.action ? { action: q.action.endsWith(".") ? { startsWith: q.action } : q.action } : {}),
    ...(q.outcome ? { outcome: q.outcome } : {}),
    ...(q.entityType ? { entityType: q.entityType } : {}),
    ...(q.entityId ? { entityId: q.entityId } : {}),
    ...(q.clientAddress ? { clientAddress: q.clientAddress } : {}),
  };
}

/** A row as admins see it; the chain columns (hash, prevHash) are for `npm run audit:verify`. */
export type AuditRow = Omit<AuditEvent, "id" | "hash" | "prevHash"> & { id: string };

export type AuditPage = {
  total: number; page: number; pageSize: number; items: AuditRow[]; nextCursor: string | null;
  /** set when `patientMrn` names no patient (then no events) */
  unknownMrn?: true;
};

/**
 * The patient id behind an MRN (case-insensitive), and nothing else of the record: the admin who
 * searches the trail by MRN learns which events concern that patient, not the patient's data.
 */
async function patientIdForMrn(db: Db, mrn: string): Promise<string | null> {
  const p = await db.patient.findFirst({ where: { mrn: { equals: mrn.trim(), mode: "insensitive" } }, select: { id: true } });
  return p?.id ?? null;
}

/**
 * One page, newest first. With `cursor`: the events after it (keyset; `page` is ignored). Without:
 * offset page `page` (the admin page's numbered pages). Either way `nextCursor` continues after the
 * last item, or is null at the end.
 */
export async function searchAudit(db: Db, q: AuditQuery): Promise<AuditPage> {
  let mrnPatientId: string | undefined;
  if (q.patientMrn !== undefined) {
    const id = await patientIdForMrn(db, q.patientMrn);
    if (!id) return { total: 0, page: q.page, pageSize: q.pageSize, items: [], nextCursor: null, unknownMrn: true };
    if (q.patientId && q.patientId !== id) return { total: 0, page: q.page, pageSize: q.pageSize, items: [], nextCursor: null };
    mrnPatientId = id;
  }
  const w = where(q, mrnPatientId);
  const c = q.cursor !== undefined ? decodeCursor(q.cursor) : null;
  const after = c ? { OR: [{ occurredAt: { lt: c.at } }, { occurredAt: c.at, id: { lt: c.id } }] } : {};
  const [total, rows] = await Promise.all([
    db.auditEvent.count({ where: w }),
    db.auditEvent.findMany({
      where: { AND: [w, after] },
      omit: { hash: true, prevHash: true },
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      ...(c ? {} : { skip: (q.page - 1) * q.pageSize }),
      take: q.pageSize + 1,
    }),
  ]);
  const more = rows.length > q.pageSize;
  const page = rows.slice(0, q.pageSize);
  return {
    total,
    page: q.page,
    pageSize: q.pageSize,
    nextCursor: more ? encodeCursor(page[page.length - 1]) : null,
    items: page.map((r) => ({ ...r, id: r.id.toString(), details: redactLegacyDetails(r.action, r.details) as AuditRow["details"] })),
  };
}

/** An audit row as the API answers it (lib/domain/responses.ts AuditEventOut). */
export function toAuditEventOut(r: AuditRow): AuditEventOut {
  return { ...r, occurredAt: r.occurredAt.toISOString() };
}

/**
 * The filters actually used, JSON-safe, for the audit row that records an audit search. An MRN is
 * kept as a keyed hash (like patient search text: lib/auth/audit-redact.ts), never as itself.
 */
export function scrubFilters(q: AuditQuery): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(q)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, k === "patientMrn" ? redactSearchText(String(v)) : v instanceof Date ? v.toISOString() : v]),
  );
}
