import type { Metadata } from "next";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { publicUserSelect } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { securityConfig } from "@/lib/auth/config";
import { throttledUsernames } from "@/lib/auth/throttle";
import { UserAdmin } from "./UserAdmin";

export const metadata: Metadata = { title: "Users" };

export const dynamic = "force-dynamic";

async function loadUsers() {
  const db = await prisma();
  const users = await db.user.findMany({ select: publicUserSelect, orderBy: { username: "asc" } });
  const throttled = await throttledUsernames(db, users.map((u) => u.username), securityConfig());
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    locked: throttled.has(u.username),
    mfa: !!u.mfaEnabledAt,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  }));
}

export default async function UsersPage() {
  const actor = await requirePageActor("user:admin");
  const users = await loadUsers();
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Users</h1>
        <UserAdmin selfId={actor.userId} users={users} />
      </main>
    </>
  );
}
