import type { PrismaClient } from "@/lib/generated/prisma/client";
import { AppError, NotFoundError } from "@/lib/domain/errors";
import type { UserCreate, UserUpdate } from "@/lib/domain/account";
import type { Actor, RequestInfo } from "./actor";
import { audit } from "./audit";
import { revokeAllSessions } from "./sessions";
import { createUser, publicUserSelect, setPassword, toPublicUser, type PublicUser } from "./users";
import { clearThrottle } from "./throttle";
import { removeMfa } from "./mfa";

/*
 * Account administration use cases (`/api/admin/users`, `/admin/users`). Each owns its
 * transaction: the change and its audit row commit together or not at all.
 */

/** An admin creates an account (password policy enforced); audited `user.create`. */
export async function createUserAccount(db: PrismaClient, args: { input: UserCreate; actor: Actor; request: RequestInfo }): Promise<PublicUser> {
  return db.$transaction(async (tx) => {
    const user = await createUser(tx, args.input);
    await audit(tx, {
      actor: args.actor,
      action: "user.create",
      entityType: "User",
      entityId: user.id,
      outcome: "success",
      request: args.request,
      details: { username: user.username, role: user.role },
    });
    return user;
  });
}

/**
 * An admin changes an account: name or role, disable / enable, unlock (forget its failed sign-ins
 * from every address), reset the password, reset MFA (a lost authenticator: the user enrols again
 * at the next sign-in), end its sessions. Disabling, a role change, a password or MFA reset also
 * ends the user's sessions. An admin
 * cannot disable their own account or drop their own admin role (409 self_lockout).
 */
export async function updateUser(
  db: PrismaClient,
  args: { userId: string; change: UserUpdate; actor: Actor; request: RequestInfo },
): Promise<{ user: PublicUser; revokedSessions: number }> {
  const p = args.change;
  return db.$transaction(
    async (tx) => {
      const user = await tx.user.findUnique({ where: { id: args.userId } });
      if (!user) throw new NotFoundError("User", args.userId);
      if (user.id === args.actor.userId && (p.disabled || (p.role && p.role !== "admin")))
        throw new AppError(409, "self_lockout", "You cannot disable your own account or remove your own admin role; ask another admin.");
      if (p.password) await setPassword(tx, user.id, p.password);
      if (p.resetMfa) await removeMfa(tx, user.id);
      const updated = await tx.user.update({
        where: { id: user.id },
        data: {
          ...(p.displayName ? { displayName: p.displayName.trim() } : {}),
          ...(p.role ? { role: p.role } : {}),
          ...(p.disabled !== undefined ? { disabled: p.disabled } : {}),
        },
        select: publicUserSelect,
      });
      if (p.unlock) await clearThrottle(tx, user.username);
      const endSessions = p.revokeSessions || p.disabled === true || (p.role && p.role !== user.role) || !!p.password || !!p.resetMfa;
      const revokedSessions = endSessions ? await revokeAllSessions(tx, user.id) : 0;
      await audit(tx, {
        actor: args.actor,
        action: "user.update",
        entityType: "User",
        entityId: user.id,
        outcome: "success",
        request: args.request,
        details: { changed: Object.keys(p).filter((k) => k !== "password").concat(p.password ? ["password"] : []), revokedSessions },
      });
      return { user: toPublicUser(updated), revokedSessions };
    },
    // a password reset hashes with argon2id inside the transaction
    { timeout: 15_000 },
  );
}
