import Link from "next/link";
import { useTranslations } from "next-intl";
import type { Actor } from "@/lib/auth/actor";
import { SignOutButton } from "@/app/login/SignOutButton";
import { LanguageSelect } from "./LanguageSelect";

/** Navigation shown on every signed-in page; links depend on the role. */
export function TopBar({ actor }: { actor: Actor }) {
  const t = useTranslations("nav");
  const tr = useTranslations("roles");
  return (
    <header className="topbar">
      <span className="brand">Fusion CDS</span>
      <nav aria-label={t("main")} style={{ display: "flex", gap: "1.2rem" }}>
        {actor.role === "clinician" && <Link href="/patients">{t("patients")}</Link>}
        {actor.role === "researcher" && <Link href="/research/export">{t("researchExport")}</Link>}
        <Link href="/models">{t("models")}</Link>
        {actor.role === "admin" && <Link href="/admin/audit">{t("audit")}</Link>}
        {actor.role === "admin" && <Link href="/admin/users">{t("users")}</Link>}
        <Link href="/account">{t("account")}</Link>
      </nav>
      <span className="spacer" />
      <LanguageSelect signedIn />
      <span className="who">
        {actor.displayName} · {tr(actor.role)}
      </span>
      <SignOutButton csrfToken={actor.csrfToken} />
    </header>
  );
}
