import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { retrieveMetadata } from "@/lib/dicomweb/wado";
import { dicomJsonResponse, instanceParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** WADO-RS: one instance's header in the DICOM JSON model. */
export const GET = route<{ study: string; series: string; instance: string }>("patient:read", async ({ req, params, actor }) => {
  const p = instanceParams(params);
  return dicomJsonResponse(await retrieveMetadata(await prisma(), req, p, { actor, request: requestInfo(req, "dicomweb") }));
});
