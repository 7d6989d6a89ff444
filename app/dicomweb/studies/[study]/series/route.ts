import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { searchDicomweb } from "@/lib/dicomweb/qido";
import { dicomJsonResponse, studyParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** QIDO-RS: the study's series. */
export const GET = route<{ study: string }>("patient:read", async ({ req, params, actor }) => {
  const { study } = studyParams(params);
  return dicomJsonResponse(await searchDicomweb(await prisma(), req, { level: "series", study, params: new URL(req.url).searchParams }, { actor, request: requestInfo(req, "dicomweb") }));
});
