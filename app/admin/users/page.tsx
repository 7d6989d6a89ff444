import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { publicUserSelect } from "@/lib/auth/users";
import { prisma } from "@/lib/db/client";
import { securityConfig } from "@/lib/auth/config";
import { throttledUsernames } from "@/lib/auth/throttle";
import { UserAdmin } from "./UserAdmin";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("users") };
}

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
  const t = await getTranslations("admin");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("users")}</h1>
        <UserAdmin selfId={actor.userId} users={users} />
      </main>
    </>
  );
}
