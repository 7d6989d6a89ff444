import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { retrieveFrames } from "@/lib/dicomweb/wado";
import { frameParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** WADO-RS: frames (1-based, comma-separated) as stored or uncompressed, per the Accept header. */
export const GET = route<{ study: string; series: string; instance: string; frames: string }>("patient:read", async ({ req, params, actor }) => {
  const { frames, ...target } = frameParams(params);
  return retrieveFrames(await prisma(), req, target, frames, { actor, request: requestInfo(req, "dicomweb") });
});
