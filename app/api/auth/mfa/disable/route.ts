import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { turnOffOwnMfa } from "@/lib/auth/mfa-account";
import { ValidationError } from "@/lib/domain/errors";
import { PasswordReconfirm } from "@/lib/domain/account";

export const dynamic = "force-dynamic";

/** POST /api/auth/mfa/disable — { currentPassword }: turns your MFA off (not for admins: 409). */
export const POST = route("session:self", async ({ req, actor }) => {
  const parsed = PasswordReconfirm.safeParse(await readJson(req, 4096));
  if (!parsed.success) throw new ValidationError("Enter your password.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  await turnOffOwnMfa(await prisma(), actor, parsed.data.currentPassword, requestInfo(req, "web"));
  return { ok: true };
});
