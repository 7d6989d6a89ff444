import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { retrieveInstances } from "@/lib/dicomweb/wado";
import { seriesParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** WADO-RS: every instance of the series. */
export const GET = route<{ study: string; series: string }>("patient:read", async ({ req, params, actor }) => {
  const p = seriesParams(params);
  return retrieveInstances(await prisma(), req, p, { actor, request: requestInfo(req, "dicomweb") });
});
