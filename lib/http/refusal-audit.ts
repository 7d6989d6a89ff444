import type { Actor } from "@/lib/auth/actor";
import { requestInfo } from "@/lib/auth/actor";
import { audit, type AuditEntry } from "@/lib/auth/audit";
import type { Permission } from "@/lib/auth/permissions";
import { AppError, AuthError } from "@/lib/domain/errors";
import { prisma } from "@/lib/db/client";

/**
 * Refusals the route wrapper audits (issue 10, Low 15; ASVS 7.2, HIPAA 164.312(b)): signed-out
 * calls (401), another role (403), CSRF refusals, reads of missing records on patient-data routes
 * (404); refused exports are audited by lib/export (export.refused). A row holds who asked (if known), the address, method, path, the
 * permission, the status and the error code — never the body, the query string or the error
 * message (which may quote what was sent); for a 404 the ids that were asked for.
 *
 * A handler that already audited its own refusal marks the error `audited = true` to avoid a
 * second row.
 */
const PATIENT_DATA = /^(patient|scan|assessment):/;
const ENTITY_BY_SEGMENT: Record<string, string> = {
  patients: "Patient",
  scans: "Scan",
  assessments: "Assessment",
  conditions: "Condition",
  "family-history": "FamilyHistory",
  diet: "DietRecord",
  // the FHIR read API (/fhir/R4/Patient/{id}, /fhir/R4/Patient/{id}/$everything)
  Patient: "Patient",
};

export type RefusalContext = {
  req: Request;
  actor: Actor | null;
  /** null for publicRoute (sign-in, health) */
  permission: Permission | null;
  params: Record<string, unknown>;
};

function statusAndCode(e: unknown): { status: number; code: string } | null {
  if (e instanceof AppError) return { status: e.status, code: e.code };
  if (e instanceof Response) return { status: e.status, code: "" };
  const code = (e as { code?: unknown })?.code;
  if (code === "P2025") return { status: 404, code: "not_found" }; // Prisma "record not found"
  return null;
}

/** The audit row for a refused request, or null when this answer is not a refusal we record. */
export function refusalEntry(e: unknown, c: RefusalContext): AuditEntry | null {
  if ((e as { audited?: unknown })?.audited === true) return null;
  const sc = statusAndCode(e);
  if (!sc) return null;
  const url = new URL(c.req.url);
  const path = url.pathname.slice(0, 300);
  const base = { method: c.req.method, path, ...(c.permission ? { permission: c.permission } : {}), status: sc.status };
  const row = (action: string, outcome: AuditEntry["outcome"], extra: Partial<AuditEntry> = {}, details: Record<string, unknown> = base): AuditEntry => ({
    actor: c.actor,
    action,
    outcome,
    request: requestInfo(c.req),
    details,
    ...extra,
  });

  if (e instanceof AuthError && sc.status === 401) return row("access.unauthenticated", "denied");
  if (sc.code === "csrf_failed") return row("access.csrf_refused", "denied", {}, { ...base, code: sc.code });
  if (e instanceof AuthError && sc.status === 403) return row("access.denied", "denied");
  if (sc.status === 429) return row("access.rate_limited", "denied", {}, { ...base, code: sc.code });
  if (sc.status === 404 && c.permission && PATIENT_DATA.test(c.permission)) {
    const ids = Object.values(c.params).filter((v): v is string => typeof v === "string").map((v) => v.slice(0, 100));
    const segs = path.split("/").filter(Boolean);
    const lastId = ids.at(-1) ?? null;
    const segBefore = lastId ? segs[segs.lastIndexOf(lastId) - 1] : undefined;
    return row("access.not_found", "failure", {
      entityType: (segBefore && ENTITY_BY_SEGMENT[segBefore]) || undefined,
      entityId: lastId,
      patientId: (segs[1] === "patients" || (segs[0] === "fhir" && segs[2] === "Patient")) && typeof c.params.id === "string" && isUuid(c.params.id) ? c.params.id : null,
    });
  }
  // refused exports: lib/export/refusal.ts writes export.refused itself (it knows the cohort and the endpoint)
  return null;
}

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Writes the refusal's audit row, if any; never throws (the refusal itself must still be answered). */
export async function auditRefusal(e: unknown, c: RefusalContext): Promise<void> {
  const entry = refusalEntry(e, c);
  if (!entry) return;
  try {
    await audit(await prisma(), entry);
  } catch (err) {
    console.error(`[audit] could not record ${entry.action}:`, (err as Error).message);
  }
}
