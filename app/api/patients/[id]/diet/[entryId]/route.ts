import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { entryParams } from "@/lib/http/params";
import { recordWrite } from "@/lib/http/record-hooks";
import { DietRecordUpdate, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { deleteEntry, updateDietRecord } from "@/lib/db/history";

export const dynamic = "force-dynamic";
type P = { id: string; entryId: string };

export const PATCH = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  const patch = parseOrThrow(DietRecordUpdate, await readJson(req), "diet record update");
  return updateDietRecord(await prisma(), id, entryId, patch, recordWrite(actor, req, "diet_record.update", "DietRecord", id, "diet"));
});

export const DELETE = route<P>("patient:write", async ({ req, params, actor }) => {
  const { id, entryId } = entryParams(params);
  await deleteEntry(await prisma(), "dietRecord", id, entryId, recordWrite(actor, req, "diet_record.delete", "DietRecord", id, "diet"));
  return new Response(null, { status: 204 });
});
