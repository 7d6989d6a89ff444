import "server-only";
import { headers } from "next/headers";
import { prisma } from "@/lib/db/client";
import { clientAddressFrom, type Actor, type RequestInfo } from "./actor";
import { audit } from "./audit";

/** Longest user agent a page view carries (browsers send ~100–300 characters; the rest is noise or abuse). */
export const PAGE_USER_AGENT_MAX = 256;

/**
 * The request facts of a page view: the client address as lib/auth decides it for every request
 * (`clientAddressFrom`: a client-written X-Forwarded-For is never taken as is), a bounded user agent.
 */
export function pageViewRequest(h: Headers): RequestInfo {
  return { clientAddress: clientAddressFrom(h), userAgent: h.get("user-agent")?.slice(0, PAGE_USER_AGENT_MAX) ?? null, source: "page" };
}

export type PageView = {
  /** `<entity>.<verb>`, e.g. patient.read, patient.search, audit.search */
  action: string;
  entityType?: string;
  entityId?: string | null;
  patientId?: string | null;
  details?: Record<string, unknown>;
};

/**
 * The audit row of a server component page that shows patient data or the audit trail. Every page
 * audits through here (a test fails when a page imports lib/auth/audit itself). Call it after the
 * data was read: a page that failed to load shows nothing and records nothing.
 */
export async function recordPageView(actor: Actor, view: PageView): Promise<void> {
  await audit(await prisma(), { actor, ...view, outcome: "success", request: pageViewRequest(await headers()) });
}
