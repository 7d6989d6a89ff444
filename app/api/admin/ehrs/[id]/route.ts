import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { parseOrThrow, TrustedEhrUpdate, type TrustedEhrResult } from "@/lib/domain";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { deleteTrustedEhr, updateTrustedEhr } from "@/lib/fhir/cds/ehrs";

export const dynamic = "force-dynamic";

export const PATCH = route<{ id: string }>("user:admin", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const patch = parseOrThrow(TrustedEhrUpdate, await readJson(req), "trusted EHR change");
  return { ehr: await updateTrustedEhr(await prisma(), id, patch, { actor, request: requestInfo(req) }) } satisfies TrustedEhrResult;
});

export const DELETE = route<{ id: string }>("user:admin", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  await deleteTrustedEhr(await prisma(), id, { actor, request: requestInfo(req) });
  return new Response(null, { status: 204 });
});
