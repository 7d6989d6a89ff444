import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { entryParams } from "@/lib/http/params";
import { recordWrite } from "@/lib/http/record-hooks";
import { FamilyHistoryUpdate, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { deleteEntry, updateFamilyHistory } from "@/lib/db/history";

export const dynamic = "force-dynamic";
type P = { id: string; entryId: string };

export const PATCH = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  const patch = parseOrThrow(FamilyHistoryUpdate, await readJson(req), "family history update");
  return updateFamilyHistory(await prisma(), id, entryId, patch, recordWrite(actor, req, "family_history.update", "FamilyHistory", id, "family_history"));
});

export const DELETE = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  await deleteEntry(await prisma(), "familyHistory", id, entryId, recordWrite(actor, req, "family_history.delete", "FamilyHistory", id, "family_history"));
  return new Response(null, { status: 204 });
});
