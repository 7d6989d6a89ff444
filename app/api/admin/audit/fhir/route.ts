import { route } from "@/lib/http/route";
import { queryObject } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { parseAuditQuery, searchAudit } from "@/lib/auth/audit-search";
import { toFhirBundle, type BundleLink } from "@/lib/auth/fhir-audit";
import type { FhirAuditBundle } from "@/lib/domain/responses";
import { ValidationError } from "@/lib/domain/errors";

export const dynamic = "force-dynamic";

/**
 * GET /api/admin/audit/fhir — the same filters as /api/admin/audit, as a FHIR R4 Bundle of
 * AuditEvent resources (application/fhir+json), newest first. pageSize up to 500; for more follow
 * the Bundle's `link` with relation `next` (a keyset cursor: stable while events are added, and
 * each page adds one, audit.export). Numbered pages (`page` > 1) are refused here: they shifted.
 */
export const GET = route("audit:read", async ({ req, actor }) => {
  const raw = queryObject(req.url);
  const q = parseAuditQuery({ pageSize: "500", ...raw });
  if (q.page > 1 && q.cursor === undefined)
    throw ValidationError.field("page", "numbered pages are not offered for the export (they shift as events are added); follow the Bundle link with relation \"next\"");
  const db = await prisma();
  const r = await searchAudit(db, q);
  await audit(db, { actor, action: "audit.export", entityType: "AuditEvent", outcome: "success", request: requestInfo(req), details: { format: "fhir-r4", count: r.items.length, continued: q.cursor !== undefined } });
  const link: BundleLink[] = [{ relation: "self", url: pageUrl(req, raw, q.cursor) }];
  if (r.nextCursor) link.push({ relation: "next", url: pageUrl(req, raw, r.nextCursor) });
  return new Response(JSON.stringify(toFhirBundle(r.items, r.total, new Date(), link) satisfies FhirAuditBundle), {
    headers: {
      "content-type": "application/fhir+json; charset=utf-8",
      "content-disposition": `attachment; filename="audit-events-${new Date().toISOString().slice(0, 10)}.json"`,
    },
  });
});

/** This export with the same filters from `cursor` on (a path: the client resolves it against the address it used). */
function pageUrl(req: Request, raw: Record<string, string | string[]>, cursor: string | undefined): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) if (k !== "cursor" && k !== "page") for (const x of [v].flat()) p.append(k, x);
  if (cursor) p.set("cursor", cursor);
  const qs = p.toString();
  return `${new URL(req.url).pathname}${qs ? `?${qs}` : ""}`;
}
