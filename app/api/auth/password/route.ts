import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { changeOwnPassword } from "@/lib/auth/users";
import { ValidationError } from "@/lib/domain/errors";
import { PasswordChange } from "@/lib/domain/account";
import type { PasswordChangeResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/password — change your own password: the current one is required, the new one
 * meets the policy; every other session of the user ends.
 */
export const POST = route("session:self", async ({ req, actor }) => {
  const parsed = PasswordChange.safeParse(await readJson(req, 8192));
  if (!parsed.success)
    throw new ValidationError("Enter the current and the new password.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  const db = await prisma();
  try {
    const { revoked } = await changeOwnPassword(db, actor, parsed.data.currentPassword, parsed.data.newPassword);
    await audit(db, { actor, action: "auth.password_change", entityType: "User", entityId: actor.userId, outcome: "success", request: requestInfo(req), details: { revokedOtherSessions: revoked } });
    return { ok: true, revokedOtherSessions: revoked } satisfies PasswordChangeResult;
  } catch (e) {
    await audit(db, { actor, action: "auth.password_change", entityType: "User", entityId: actor.userId, outcome: "failure", request: requestInfo(req), details: { reason: (e as { code?: string }).code ?? "error" } });
    throw e;
  }
});
