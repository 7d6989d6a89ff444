import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { searchDicomweb } from "@/lib/dicomweb/qido";
import { dicomJsonResponse, seriesParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** QIDO-RS: the series' instances. */
export const GET = route<{ study: string; series: string }>("patient:read", async ({ req, params, actor }) => {
  const { study, series } = seriesParams(params);
  return dicomJsonResponse(await searchDicomweb(await prisma(), req, { level: "instances", study, series, params: new URL(req.url).searchParams }, { actor, request: requestInfo(req, "dicomweb") }));
});
