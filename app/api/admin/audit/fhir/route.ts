import { route } from "@/lib/http/route";
import { queryObject } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { parseAuditQuery, searchAudit } from "@/lib/auth/audit-search";
import { toFhirBundle } from "@/lib/auth/fhir-audit";
import type { FhirAuditBundle } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * GET /api/admin/audit/fhir — the same filters as /api/admin/audit, as a FHIR R4 Bundle of
 * AuditEvent resources (application/fhir+json). pageSize up to 500; follow `page` for more.
 */
export const GET = route("audit:read", async ({ req, actor }) => {
  const q = parseAuditQuery({ pageSize: "500", ...queryObject(req.url) });
  const db = await prisma();
  const r = await searchAudit(db, q);
  await audit(db, { actor, action: "audit.export", entityType: "AuditEvent", outcome: "success", request: requestInfo(req), details: { format: "fhir-r4", count: r.items.length, page: r.page } });
  return new Response(JSON.stringify(toFhirBundle(r.items, r.total) satisfies FhirAuditBundle), {
    headers: {
      "content-type": "application/fhir+json; charset=utf-8",
      "content-disposition": `attachment; filename="audit-events-${new Date().toISOString().slice(0, 10)}.json"`,
    },
  });
});
