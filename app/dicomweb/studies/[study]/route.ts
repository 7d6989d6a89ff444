import { route } from "@/lib/http/route";
import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { assessmentQueue } from "@/lib/jobs/runtime";
import { retrieveInstances } from "@/lib/dicomweb/wado";
import { storeInstances } from "@/lib/dicomweb/stow";
import { dicomJsonResponse, studyParams } from "@/lib/dicomweb/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** WADO-RS: every instance of the study (multipart/related; type="application/dicom"). */
export const GET = route<{ study: string }>("patient:read", async ({ req, params, actor }) => {
  const { study } = studyParams(params);
  return retrieveInstances(await prisma(), req, { study }, { actor, request: requestInfo(req, "dicomweb") });
});

/** STOW-RS into one study: instances of other studies fail (0xA900). */
export const POST = route<{ study: string }>(
  "scan:upload",
  async ({ req, params, actor }) => {
    const { study } = studyParams(params);
    const db = await prisma();
    const r = await storeInstances(db, await assessmentQueue(), req, { actor, request: requestInfo(req, "dicomweb"), studyInstanceUid: study });
    return dicomJsonResponse(r.body, r.status);
  },
  { pushToken: true },
);
