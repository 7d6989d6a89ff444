import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { entryParams } from "@/lib/http/params";
import { recordWrite } from "@/lib/http/record-hooks";
import { ConditionUpdate, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { deleteEntry, updateCondition } from "@/lib/db/history";

export const dynamic = "force-dynamic";
type P = { id: string; entryId: string };

export const PATCH = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  const patch = parseOrThrow(ConditionUpdate, await readJson(req), "condition update");
  return updateCondition(await prisma(), id, entryId, patch, recordWrite(actor, req, "condition.update", "Condition", id, "history"));
});

export const DELETE = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  await deleteEntry(await prisma(), "condition", id, entryId, recordWrite(actor, req, "condition.delete", "Condition", id, "history"));
  return new Response(null, { status: 204 });
});
