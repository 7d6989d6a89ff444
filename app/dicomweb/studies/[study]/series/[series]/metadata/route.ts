import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { retrieveMetadata } from "@/lib/dicomweb/wado";
import { dicomJsonResponse, seriesParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** WADO-RS: the series' instance headers in the DICOM JSON model. */
export const GET = route<{ study: string; series: string }>("patient:read", async ({ req, params, actor }) => {
  const p = seriesParams(params);
  return dicomJsonResponse(await retrieveMetadata(await prisma(), req, p, { actor, request: requestInfo(req, "dicomweb") }));
});
