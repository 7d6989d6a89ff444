import { publicRoute } from "@/lib/http/route";
import { healthReport, publicHealth } from "@/lib/db/health";
import { actorFromToken, sessionTokenFrom } from "@/lib/auth/guard";
import type { Health } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * Liveness + what this instance runs on. Anyone gets the status, the database kind and the model
 * in use; software versions and database errors only go to a signed-in admin (ASVS 14.3.3).
 */
export const GET = publicRoute(async ({ req }) => {
  const h = await healthReport();
  const actor = await actorFromToken(sessionTokenFrom(req)).catch(() => null);
  const body = actor?.role === "admin" ? h : publicHealth(h);
  return Response.json(body satisfies Health, { status: h.status === "ok" ? 200 : 503 });
});
