import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { retrieveInstances } from "@/lib/dicomweb/wado";
import { instanceParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** WADO-RS: one instance (multipart/related; type="application/dicom"). */
export const GET = route<{ study: string; series: string; instance: string }>("patient:read", async ({ req, params, actor }) => {
  const p = instanceParams(params);
  return retrieveInstances(await prisma(), req, p, { actor, request: requestInfo(req, "dicomweb") });
});
