import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getPageActor } from "@/lib/auth/page";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("accessDenied"))("title") };
}

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

const HOME = {
  clinician: { href: "/patients", label: "patients" },
  researcher: { href: "/models", label: "models" },
  admin: { href: "/admin/audit", label: "audit" },
} as const;

/** Where requirePageActor sends a signed-in user whose role may not open a page. */
export default async function AccessDeniedPage({ searchParams }: { searchParams: SP }) {
  const actor = await getPageActor();
  const sp = await searchParams;
  const need = typeof sp.need === "string" ? sp.need.slice(0, 40) : null;
  const home = actor ? HOME[actor.role] : null;
  const t = await getTranslations("accessDenied");
  const tn = await getTranslations("nav");
  const tr = await getTranslations("roles");
  const rich = { b: (c: React.ReactNode) => <strong>{c}</strong>, code: (c: React.ReactNode) => <code>{c}</code> };
  return (
    <main style={{ maxWidth: "36rem", marginTop: "4rem" }}>
      <h1>{t("title")}</h1>
      <div className="panel">
        {actor ? (
          <p>
            {t.rich("signedInAs", { name: actor.displayName, role: tr(actor.role), ...rich })}
            {need ? t.rich("needs", { need, ...rich }) : null}
            {t("recorded")}
          </p>
        ) : (
          <p>{t("notSignedIn")}</p>
        )}
        <p>{home ? <Link href={home.href}>{t("goTo", { page: tn(home.label) })}</Link> : <Link href="/login">{t("signIn")}</Link>}</p>
      </div>
    </main>
  );
}
