import { route } from "@/lib/http/route";
import { patientParams } from "@/lib/http/params";
import { queryObject } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/domain/validate";
import { PacsQueryParams } from "@/lib/domain/dicomweb";
import { queryPacs } from "@/lib/dicomweb/pacs";

export const dynamic = "force-dynamic";

/** GET /api/patients/{id}/pacs/studies?source=… — the PACS's studies for the patient's MRN, with their series. */
export const GET = route<{ id: string }>("patient:read", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const q = parseOrThrow(PacsQueryParams, queryObject(req.url), "query");
  return queryPacs(await prisma(), { patientId: id, sourceId: q.source }, { actor, request: requestInfo(req) });
});
