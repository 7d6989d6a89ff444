import { publicRoute } from "@/lib/http/route";
import { healthReport } from "@/lib/db/health";

export const dynamic = "force-dynamic";

/** Liveness + what this instance runs on. Public, and free of patient data. */
export const GET = publicRoute(async () => {
  const h = await healthReport();
  return Response.json(h, { status: h.status === "ok" ? 200 : 503 });
});
