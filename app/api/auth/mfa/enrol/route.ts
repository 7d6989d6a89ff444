import { route } from "@/lib/http/route";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { beginMfaEnrolment } from "@/lib/auth/mfa-account";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/mfa/enrol — a new TOTP secret for your authenticator app (otpauth URI, QR code,
 * the secret as text), pending until POST /api/auth/mfa/confirm. No body. 409 when MFA is on.
 */
export const POST = route("session:self", async ({ req, actor }) => beginMfaEnrolment(await prisma(), actor, requestInfo(req, "web")), {
  duringMfaEnrolment: true,
});
