import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { listModels } from "@/lib/db/models";
import { roleMay } from "@/lib/auth/permissions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("models"))("title") };
}

export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const actor = await requirePageActor("model:read");
  const models = await listModels(await prisma());
  const t = await getTranslations("models");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("title")}</h1>
        <p className="research-label">{t("researchLabel")}</p>
        {roleMay(actor.role, "model:train") && <p><Link href="/models/training">{t("training")}</Link></p>}
        <div className="panel" style={{ padding: 0 }}>
          <table aria-label={t("table")}>
            <thead><tr><th>{t("model")}</th><th>{t("version")}</th><th>{t("strategy")}</th><th>{t("outcomes")}</th><th>{t("status")}</th><th className="num">{t("assessments")}</th><th>{t("card")}</th></tr></thead>
            <tbody>
              {models.map((m) => (
                <tr key={`${m.name}@${m.version}`}>
                  <td><a href={`/models/${encodeURIComponent(m.name)}/${encodeURIComponent(m.version)}`}>{m.name}</a></td>
                  <td>{m.version}</td>
                  <td>{m.strategy ?? "—"}</td>
                  <td>{m.heads.join(", ") || "—"}</td>
                  <td>{m.status ? <span className={`badge status-${m.status}`}>{t(`statuses.${m.status}`)}</span> : m.active ? t("active") : ""}</td>
                  <td className="num">{m.assessments}</td>
                  <td>{m.hasCard ? t("published") : <span className="muted">{t("noneYet")}</span>}</td>
                </tr>
              ))}
              {!models.length && <tr><td colSpan={7} className="muted">{t("noVersions")}</td></tr>}
            </tbody>
          </table>
        </div>
      </main>
    </>
  );
}
