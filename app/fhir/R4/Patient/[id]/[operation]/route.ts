import { prisma } from "@/lib/db/client";
import { auditRead } from "@/lib/http/audit-hooks";
import { publicBaseUrl } from "@/lib/fhir/config";
import { fhirRoute } from "@/lib/fhir/http";
import { fhirOperationParams } from "@/lib/fhir/params";
import { everything } from "@/lib/fhir/read";

export const dynamic = "force-dynamic";

/**
 * Patient/{id}/$everything. The operation is a dynamic segment (lib/fhir/README.md: a decoded
 * "%24everything" reaches it too); any other operation name answers 404 not-supported.
 */
export const GET = fhirRoute<{ id: string; operation: string }>("patient:read", async ({ req, params, actor }) => {
  const { id } = fhirOperationParams(params, ["$everything"]);
  const bundle = await everything(await prisma(), id, publicBaseUrl(req));
  await auditRead(actor, req, "fhir.everything", "Patient", id, id, { resources: bundle.entry.length });
  return bundle;
});
