import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { patientParams } from "@/lib/http/params";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/domain/validate";
import { DicomwebSourceUpdate } from "@/lib/domain/dicomweb";
import { deleteSource, updateSource } from "@/lib/dicomweb/sources";

export const dynamic = "force-dynamic";

/** PATCH — change a PACS; `pushToken: true` issues its push token (returned once), `false` revokes it. */
export const PATCH = route<{ id: string }>("dicomweb:admin", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  const patch = parseOrThrow(DicomwebSourceUpdate, await readJson(req, 16 * 1024), "DICOMweb source change");
  return updateSource(await prisma(), id, patch, { actor, request: requestInfo(req) });
});

/** DELETE — remove a PACS (its push token stops working). */
export const DELETE = route<{ id: string }>("dicomweb:admin", async ({ req, params, actor }) => {
  const { id } = patientParams(params);
  await deleteSource(await prisma(), id, { actor, request: requestInfo(req) });
  return new Response(null, { status: 204 });
});
