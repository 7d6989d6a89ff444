import { publicRoute } from "@/lib/http/route";
import { cdsDiscovery } from "@/lib/fhir/cds/service";

export const dynamic = "force-dynamic";

/** CDS Hooks 2.0 discovery (public, as the spec has it: no patient data). */
export const GET = publicRoute(async () => cdsDiscovery());
