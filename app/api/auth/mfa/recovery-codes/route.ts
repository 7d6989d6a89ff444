import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { replaceRecoveryCodes } from "@/lib/auth/mfa-account";
import { ValidationError } from "@/lib/domain/errors";
import { PasswordReconfirm } from "@/lib/domain/account";

export const dynamic = "force-dynamic";

/** POST /api/auth/mfa/recovery-codes — { currentPassword }: ten new recovery codes; the old ones stop working. */
export const POST = route("session:self", async ({ req, actor }) => {
  const parsed = PasswordReconfirm.safeParse(await readJson(req, 4096));
  if (!parsed.success) throw new ValidationError("Enter your password.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  return { recoveryCodes: await replaceRecoveryCodes(await prisma(), actor, parsed.data.currentPassword, requestInfo(req, "web")) };
});
