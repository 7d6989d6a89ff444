/**
 * Failed export attempts are audited (issue 10, Medium 12): every export request that ends before
 * a file is sent — bad parameters (400), not signed in (401), not a researcher (403), a small
 * cell (422), no usable configuration (503), anything unexpected (500) — leaves one
 * `export.refused` row: who (when known), from where, why (the error code), which endpoint.
 * Failures after the first byte are the `export.create` row with outcome failure (stream.ts).
 *
 * An error is audited once, where the most is known about it (openExport knows the cohort size of
 * a small cell; the route wrapper knows the request); `auditRefusal` skips an error it has seen.
 */
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { AppError } from "@/lib/domain/errors";

const AUDITED = new WeakSet<object>();

export type Who = { actor: Actor | null; username?: string; request?: RequestInfo };

/** Control characters (NUL cannot be stored in jsonb) out, length capped: the message is the server's, but may quote input. */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 300);

/** The same for every string in the details (filters echo what was asked for). */
function cleanDeep(v: unknown, depth = 0): unknown {
  if (typeof v === "string") return clean(v);
  if (depth > 4 || v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => cleanDeep(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k), cleanDeep(x, depth + 1)]));
}

export function refusalOf(e: unknown): { status: number; reason: string; message: string } {
  if (e instanceof AppError) return { status: e.status, reason: e.code, message: clean(e.message) };
  return { status: 500, reason: "internal_error", message: "unexpected error" };
}

export async function auditRefusal(db: Pick<PrismaClient, "auditEvent">, who: Who, e: unknown, details: Record<string, unknown> = {}): Promise<void> {
  if (e !== null && typeof e === "object") {
    if (AUDITED.has(e)) return;
    AUDITED.add(e);
    // the route wrapper's refusal audit (lib/http/refusal-audit.ts) skips what is marked audited
    if (Object.isExtensible(e)) (e as { audited?: boolean }).audited = true;
  }
  const r = refusalOf(e);
  try {
    await audit(db, {
      actor: who.actor,
      username: who.username,
      request: who.request,
      action: "export.refused",
      entityType: "Export",
      outcome: r.status === 401 || r.status === 403 || r.reason === "cohort_too_small" ? "denied" : "failure",
      details: { reason: r.reason, status: r.status, message: r.message, ...(cleanDeep(details) as Record<string, unknown>) },
    });
  } catch (err) {
    // the refusal itself must still reach the client
    console.error("[export] could not record a refused export in the audit trail:", (err as Error).message);
  }
}
