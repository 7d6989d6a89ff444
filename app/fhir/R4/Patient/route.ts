import { FhirPatientSearch } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { auditRead } from "@/lib/http/audit-hooks";
import { publicBaseUrl } from "@/lib/fhir/config";
import { fhirQuery, fhirRoute } from "@/lib/fhir/http";
import { findPatientsByIdentifier, searchset } from "@/lib/fhir/read";

export const dynamic = "force-dynamic";

/** Patient?identifier=system|value (the MRN). */
export const GET = fhirRoute("patient:read", async ({ req, actor }) => {
  const q = fhirQuery(req, FhirPatientSearch);
  const found = await findPatientsByIdentifier(await prisma(), q.identifier);
  await auditRead(actor, req, "fhir.search", "Patient", found[0]?.id ?? null, found[0]?.id ?? null, { identifier: q.identifier, returned: found.length });
  return searchset(publicBaseUrl(req), req.url, found);
});
