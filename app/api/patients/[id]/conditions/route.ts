import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { recordWrite } from "@/lib/http/record-hooks";
import { ConditionCreate, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { addCondition } from "@/lib/db/history";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(ConditionCreate, await readJson(req), "condition");
  const c = await addCondition(await prisma(), id, input, recordWrite(actor, req, "condition.create", "Condition", id, "history"));
  return Response.json(c, { status: 201 });
});
