import { FhirByPatientSearch } from "@/lib/domain";
import { prisma } from "@/lib/db/client";
import { auditRead } from "@/lib/http/audit-hooks";
import { publicBaseUrl } from "@/lib/fhir/config";
import { fhirQuery, fhirRoute } from "@/lib/fhir/http";
import { patientResources, searchset } from "@/lib/fhir/read";

export const dynamic = "force-dynamic";

/** FamilyMemberHistory?patient={id} */
export const GET = fhirRoute("patient:read", async ({ req, actor }) => {
  const { patient } = fhirQuery(req, FhirByPatientSearch);
  const r = await patientResources(await prisma(), patient, { familyHistory: true });
  await auditRead(actor, req, "fhir.search", "FamilyMemberHistory", null, patient, { returned: r.familyHistory.length });
  return searchset(publicBaseUrl(req), req.url, r.familyHistory);
});
