import { route } from "@/lib/http/route";
import { entryParams } from "@/lib/http/params";
import { auditWrite } from "@/lib/http/audit-hooks";
import { prisma } from "@/lib/db/client";
import { deleteEntry } from "@/lib/db/history";

export const dynamic = "force-dynamic";

export const DELETE = route<{ id: string; entryId: string }>("patient:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  await deleteEntry(await prisma(), "familyHistory", id, entryId, auditWrite(actor, req, "family_history.delete", "FamilyHistory", id));
  return new Response(null, { status: 204 });
});
