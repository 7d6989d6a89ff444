import { route } from "@/lib/http/route";
import type { ResolvedSession } from "@/lib/auth/sessions";

export const dynamic = "force-dynamic";

/** GET /api/auth/session — who is signed in, the CSRF token for mutations, and when it ends. */
export const GET = route("session:self", async ({ actor }) => {
  const a = actor as ResolvedSession;
  return {
    user: { username: a.username, displayName: a.displayName, role: a.role },
    csrfToken: a.csrfToken,
    expiresAt: a.expiresAt?.toISOString(),
    idleExpiresAt: a.idleExpiresAt?.toISOString(),
  };
});
