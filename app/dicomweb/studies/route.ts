import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { assessmentQueue } from "@/lib/jobs/runtime";
import { searchDicomweb } from "@/lib/dicomweb/qido";
import { storeInstances } from "@/lib/dicomweb/stow";
import { dicomJsonResponse } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** QIDO-RS: search for studies (lib/dicomweb/qido.ts). */
export const GET = route("patient:read", async ({ req, actor }) => {
  const db = await prisma();
  return dicomJsonResponse(await searchDicomweb(db, req, { level: "studies", params: new URL(req.url).searchParams }, { actor, request: requestInfo(req, "dicomweb") }));
});

/** STOW-RS: store instances; each is filed under the patient whose MRN is its Patient ID (lib/dicomweb/stow.ts). */
export const POST = route(
  "scan:upload",
  async ({ req, actor }) => {
    const db = await prisma();
    const r = await storeInstances(db, await assessmentQueue(), req, { actor, request: requestInfo(req, "dicomweb") });
    return dicomJsonResponse(r.body, r.status);
  },
  { pushToken: true },
);
