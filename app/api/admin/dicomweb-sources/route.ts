import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { parseOrThrow } from "@/lib/domain/validate";
import { DicomwebSourceCreate } from "@/lib/domain/dicomweb";
import { createSource, listSources } from "@/lib/dicomweb/sources";

export const dynamic = "force-dynamic";

/** GET /api/admin/dicomweb-sources — the configured PACS (secrets never returned). */
export const GET = route("dicomweb:admin", async () => ({ items: await listSources(await prisma()) }));

/** POST — add a PACS: URL, authentication (secret encrypted at rest, or an environment variable's name). */
export const POST = route("dicomweb:admin", async ({ req, actor }) => {
  const input = parseOrThrow(DicomwebSourceCreate, await readJson(req, 16 * 1024), "DICOMweb source");
  return Response.json(await createSource(await prisma(), input, { actor, request: requestInfo(req) }), { status: 201 });
});
