import { z } from "zod";
import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { updateUser } from "@/lib/auth/user-admin";
import { NotFoundError, ValidationError } from "@/lib/domain/errors";
import { UserUpdate } from "@/lib/domain/account";
import type { UserUpdateResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/**
 * PATCH /api/admin/users/{id} — change name or role, disable / enable, unlock, reset the password or MFA,
 * revoke sessions (lib/auth/user-admin.ts: the change and its audit row in one transaction).
 */
export const PATCH = route<{ id: string }>("user:admin", async ({ req, params, actor }) => {
  if (!z.uuid().safeParse(params.id).success) throw new NotFoundError("User", params.id);
  const parsed = UserUpdate.safeParse(await readJson(req, 8192));
  if (!parsed.success)
    throw new ValidationError("The change is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  return (await updateUser(await prisma(), { userId: params.id, change: parsed.data, actor, request: requestInfo(req) })) satisfies UserUpdateResult;
});
