import { route } from "@/lib/http/route";
import { prisma } from "@/lib/db/client";
import { listActiveSessions } from "@/lib/auth/sessions";
import type { ResolvedSession } from "@/lib/auth/sessions";
import type { SessionInfo } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * GET /api/auth/session — who is signed in, the CSRF token for mutations, when this session ends,
 * and the user's other active sessions (where and when; ASVS 3.3.4).
 */
export const GET = route("session:self", async ({ actor }) => {
  const a = actor as ResolvedSession;
  return {
    sessions: await listActiveSessions(await prisma(), a.userId, a.sessionId),
    user: { username: a.username, displayName: a.displayName, role: a.role },
    csrfToken: a.csrfToken,
    expiresAt: a.expiresAt?.toISOString(),
    idleExpiresAt: a.idleExpiresAt?.toISOString(),
    mfaEnrolmentRequired: !!a.mfaEnrolmentRequired,
  } satisfies SessionInfo;
}, { duringMfaEnrolment: true });
