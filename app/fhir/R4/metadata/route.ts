import { capabilityStatement } from "@/lib/fhir/capability";
import { publicBaseUrl } from "@/lib/fhir/config";
import { fhirPublicRoute } from "@/lib/fhir/http";

export const dynamic = "force-dynamic";

/** The CapabilityStatement (public: no patient data). */
export const GET = fhirPublicRoute(async ({ req }) => capabilityStatement(publicBaseUrl(req)));
