import { prisma } from "@/lib/db/client";
import { auditRead } from "@/lib/http/audit-hooks";
import { fhirRoute } from "@/lib/fhir/http";
import { fhirIdParams } from "@/lib/fhir/params";
import { readPatient } from "@/lib/fhir/read";

export const dynamic = "force-dynamic";

/** Patient/{id}: read. */
export const GET = fhirRoute<{ id: string }>("patient:read", async ({ req, params, actor }) => {
  const { id } = fhirIdParams(params);
  const patient = await readPatient(await prisma(), id);
  await auditRead(actor, req, "fhir.read", "Patient", id, id);
  return patient;
});
