import { publicRoute } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { publicBaseUrl } from "@/lib/fhir/config";
import { patientView } from "@/lib/fhir/cds/service";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * The patient-view hook. Authenticated by the EHR's signed JWT (lib/fhir/cds/jwt.ts), not by a
 * session: route-table rule "ehr-jwt". The body (CdsPatientViewRequest) is read only after the
 * token holds.
 */
export const POST = publicRoute<{ id: string }>(async ({ req, params }) =>
  patientView(await prisma(), { serviceId: params.id, authorization: req.headers.get("authorization"), body: () => readJson(req, 4 * 1024 * 1024), headers: req.headers }, publicBaseUrl(req)),
);
