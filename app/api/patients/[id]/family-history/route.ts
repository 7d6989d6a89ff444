import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { recordWrite } from "@/lib/http/record-hooks";
import { FamilyHistoryCreate, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { addFamilyHistory } from "@/lib/db/history";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(FamilyHistoryCreate, await readJson(req), "family history entry");
  const f = await addFamilyHistory(await prisma(), id, input, recordWrite(actor, req, "family_history.create", "FamilyHistory", id, "family_history"));
  return Response.json(f, { status: 201 });
});
