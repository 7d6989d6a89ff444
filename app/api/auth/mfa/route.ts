import { route } from "@/lib/http/route";
import { prisma } from "@/lib/db/client";
import { ownMfaStatus } from "@/lib/auth/mfa-account";

export const dynamic = "force-dynamic";

/** GET /api/auth/mfa — your second factor: on or off, required for your role, recovery codes left. */
export const GET = route("session:self", async ({ actor }) => {
  const s = await ownMfaStatus(await prisma(), actor);
  return { ...s, enabledAt: s.enabledAt?.toISOString() ?? null };
}, { duringMfaEnrolment: true });
