import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { roleMay } from "@/lib/auth/permissions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("title") };
}

export const dynamic = "force-dynamic";

export default async function AdminHome() {
  const actor = await requirePageActor("audit:read");
  const t = await getTranslations("admin");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("title")}</h1>
        <ul className="panel">
          <li>
            <Link href="/admin/audit">{t("audit")}</Link>{t("auditText")}
          </li>
          <li>
            <Link href="/admin/entered-in-error">{t("eie")}</Link>{t("eieText")}
          </li>
          {roleMay(actor.role, "user:admin") && (
            <li>
              <Link href="/admin/users">{t("users")}</Link>{t("usersText")}
            </li>
          )}
          {roleMay(actor.role, "user:admin") && (
            <li>
              <Link href="/admin/ehrs">{t("ehrs")}</Link>{t("ehrsText")}
            </li>
          )}
          {roleMay(actor.role, "dicomweb:admin") && (
            <li>
              <Link href="/admin/dicomweb">{t("dicomweb")}</Link>{t("dicomwebText")}
            </li>
          )}
        </ul>
      </main>
    </>
  );
}
