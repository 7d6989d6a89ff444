import { publicRoute } from "@/lib/http/route";
import { openApiResponse } from "@/lib/openapi/serve";

export const dynamic = "force-dynamic";

/**
 * GET /api/openapi.json — the OpenAPI 3.1 document of this API (lib/openapi), generated from the
 * zod schemas the handlers validate with. Public: it describes the API and holds no patient data.
 */
export const GET = publicRoute(async ({ req }) => openApiResponse(req));
