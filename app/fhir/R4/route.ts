import { requestInfo } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import { fhirRoute, readFhirBody } from "@/lib/fhir/http";
import { importFhirText } from "@/lib/fhir/import-http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Import a transaction / batch Bundle (application/fhir+json) or NDJSON (application/x-ndjson): all or nothing. */
export const POST = fhirRoute("patient:write", async ({ req, actor }) => {
  const text = await readFhirBody(req);
  return importFhirText(await prisma(), text, req.headers.get("content-type") ?? "", { actor, request: requestInfo(req, "fhir") });
});
