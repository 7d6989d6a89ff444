import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { publicUserSelect } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { UserAdmin } from "./UserAdmin";

export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const actor = await requirePageActor("user:admin");
  const db = await prisma();
  const users = await db.user.findMany({ select: publicUserSelect, orderBy: { username: "asc" } });
  const now = Date.now();
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Users</h1>
        <UserAdmin
          selfId={actor.userId}
          users={users.map((u) => ({
            id: u.id,
            username: u.username,
            displayName: u.displayName,
            role: u.role,
            disabled: u.disabled,
            locked: !!u.lockedUntil && u.lockedUntil.getTime() > now,
            lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
          }))}
        />
      </main>
    </>
  );
}
