import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { finishMfaEnrolment } from "@/lib/auth/mfa-account";
import { ValidationError } from "@/lib/domain/errors";
import { MfaConfirm } from "@/lib/domain/account";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/mfa/confirm — { code }: the first code from the new secret turns MFA on; answers
 * the ten recovery codes (shown once). Your other sessions end.
 */
export const POST = route("session:self", async ({ req, actor }) => {
  const parsed = MfaConfirm.safeParse(await readJson(req, 4096));
  if (!parsed.success) throw new ValidationError("Enter the 6-digit code.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  return finishMfaEnrolment(await prisma(), actor, parsed.data.code, requestInfo(req, "web"));
}, { duringMfaEnrolment: true });
