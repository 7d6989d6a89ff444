import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { recordWrite } from "@/lib/http/record-hooks";
import { DietRecordCreate, parseOrThrow } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { addDietRecord } from "@/lib/db/history";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>("patient:write", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const input = parseOrThrow(DietRecordCreate, await readJson(req), "diet record");
  const d = await addDietRecord(await prisma(), id, input, recordWrite(actor, req, "diet_record.create", "DietRecord", id, "diet"));
  return Response.json(d, { status: 201 });
});
