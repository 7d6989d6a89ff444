import { z } from "zod";
import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { publicUserSelect, setPassword, toPublicUser } from "@/lib/auth/users";
import { AppError, NotFoundError, ValidationError } from "@/lib/domain/errors";
import { UserUpdate } from "@/lib/domain/account";
import type { UserUpdateResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * PATCH /api/admin/users/{id} — change name or role, disable / enable, unlock, reset the password,
 * revoke sessions. Disabling, a role change or a password reset also ends the user's sessions.
 */
export const PATCH = route<{ id: string }>("user:admin", async ({ req, params, actor }) => {
  if (!z.uuid().safeParse(params.id).success) throw new NotFoundError("User", params.id);
  const parsed = UserUpdate.safeParse(await readJson(req, 8192));
  if (!parsed.success)
    throw new ValidationError("The change is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  const p = parsed.data;
  const db = await prisma();
  const user = await db.user.findUnique({ where: { id: params.id } });
  if (!user) throw new NotFoundError("User", params.id);
  if (user.id === actor.userId && (p.disabled || (p.role && p.role !== "admin")))
    throw new AppError(409, "self_lockout", "You cannot disable your own account or remove your own admin role; ask another admin.");
  if (p.password) await setPassword(db, user.id, p.password);
  const updated = await db.user.update({
    where: { id: user.id },
    data: {
      ...(p.displayName ? { displayName: p.displayName.trim() } : {}),
      ...(p.role ? { role: p.role } : {}),
      ...(p.disabled !== undefined ? { disabled: p.disabled } : {}),
      ...(p.unlock ? { lockedUntil: null, failedLogins: 0, lastFailedLoginAt: null } : {}),
    },
    select: publicUserSelect,
  });
  const endSessions = p.revokeSessions || p.disabled === true || (p.role && p.role !== user.role) || !!p.password;
  const revoked = endSessions ? await revokeAllSessions(db, user.id) : 0;
  await audit(db, {
    actor,
    action: "user.update",
    entityType: "User",
    entityId: user.id,
    outcome: "success",
    request: requestInfo(req),
    details: { changed: Object.keys(p).filter((k) => k !== "password").concat(p.password ? ["password"] : []), revokedSessions: revoked },
  });
  return { user: toPublicUser(updated), revokedSessions: revoked } satisfies UserUpdateResult;
});
