import { route } from "@/lib/http/route";
import { queryObject } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { parseAuditQuery, scrubFilters, searchAudit, toAuditEventOut } from "@/lib/auth/audit-search";
import type { AuditPage } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/** GET /api/admin/audit — search the audit trail (admins). Reading the trail is itself audited. */
export const GET = route("audit:read", async ({ req, actor }) => {
  const q = parseAuditQuery(queryObject(req.url));
  const db = await prisma();
  const result = await searchAudit(db, q);
  await audit(db, { actor, action: "audit.search", entityType: "AuditEvent", outcome: "success", request: requestInfo(req), details: { filters: scrubFilters(q), total: result.total } });
  return { ...result, items: result.items.map(toAuditEventOut) } satisfies AuditPage;
});

