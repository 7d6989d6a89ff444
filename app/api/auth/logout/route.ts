import { route } from "@/lib/http/route";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { revokeSession } from "@/lib/auth/sessions";
import { isFormPost, seeOther, withClearedCookies } from "@/lib/auth/http";
import type { LogoutResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/** POST /api/auth/logout — ends this session (server-side) and clears the cookies. */
export const POST = route("session:self", async ({ req, actor }) => {
  const db = await prisma();
  await revokeSession(db, actor.sessionId);
  await audit(db, { actor, action: "auth.logout", entityType: "Session", entityId: actor.sessionId, outcome: "success", request: requestInfo(req, "web") });
  return withClearedCookies(isFormPost(req) ? seeOther("/login?signedOut=1") : Response.json({ ok: true } satisfies LogoutResult), req);
}, { duringMfaEnrolment: true });
