import { route } from "@/lib/http/route";
import { readJson } from "@/lib/http/body";
import { prisma } from "@/lib/db/client";
import { requestInfo } from "@/lib/auth/actor";
import { publicUserSelect, toPublicUser } from "@/lib/auth/users";
import { createUserAccount } from "@/lib/auth/user-admin";
import { ValidationError } from "@/lib/domain/errors";
import { UserCreate } from "@/lib/domain/account";
import type { UserList, UserResult } from "@/lib/domain/responses";

export const dynamic = "force-dynamic";

/** GET /api/admin/users — every account (never password hashes). */
export const GET = route("user:admin", async () => {
  const db = await prisma();
  const users = await db.user.findMany({ select: publicUserSelect, orderBy: { username: "asc" } });
  return { items: users.map(toPublicUser) } satisfies UserList;
});

/** POST /api/admin/users — create an account (password policy enforced). */
export const POST = route("user:admin", async ({ req, actor }) => {
  const parsed = UserCreate.safeParse(await readJson(req, 8192));
  if (!parsed.success)
    throw new ValidationError("The new user is not valid.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  const user = await createUserAccount(await prisma(), { input: parsed.data, actor, request: requestInfo(req) });
  return Response.json({ user } satisfies UserResult, { status: 201 });
});
