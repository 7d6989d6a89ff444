import { FhirObservationSearch } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { auditRead } from "@/lib/http/audit-hooks";
import { publicBaseUrl } from "@/lib/fhir/config";
import { fhirQuery, fhirRoute } from "@/lib/fhir/http";
import { observationsOf, searchset } from "@/lib/fhir/read";

export const dynamic = "force-dynamic";

/** Observation?patient={id}&category=social-history|survey: smoking status and diet records. */
export const GET = fhirRoute("patient:read", async ({ req, actor }) => {
  const q = fhirQuery(req, FhirObservationSearch);
  const found = await observationsOf(await prisma(), q.patient, q.category);
  await auditRead(actor, req, "fhir.search", "Observation", null, q.patient, { category: q.category ?? null, returned: found.length });
  return searchset(publicBaseUrl(req), req.url, found);
});
