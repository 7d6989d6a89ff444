import { route } from "@/lib/http/route";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { isFormPost, seeOther, withClearedCookies } from "@/lib/auth/http";
import type { LogoutResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/** POST /api/auth/logout-everywhere — revokes every session of the signed-in user. */
export const POST = route("session:self", async ({ req, actor }) => {
  const db = await prisma();
  const revoked = await revokeAllSessions(db, actor.userId);
  await audit(db, {
    actor,
    action: "auth.logout_everywhere",
    entityType: "User",
    entityId: actor.userId,
    outcome: "success",
    request: requestInfo(req, "web"),
    details: { revoked },
  });
  return withClearedCookies(isFormPost(req) ? seeOther("/login?signedOut=1") : Response.json({ ok: true, revoked } satisfies LogoutResult), req);
}, { duringMfaEnrolment: true });
