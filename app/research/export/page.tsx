import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { CohortBuilder } from "./CohortBuilder";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("export"))("title") };
}

export const dynamic = "force-dynamic";

/** /research/export — the researcher's cohort builder and de-identified download. */
export default async function ResearchExportPage() {
  const actor = await requirePageActor("export:deidentified");
  const t = await getTranslations("export");
  return (
    <>
      <TopBar actor={actor} />
      <main className="export-page">
        <h1>{t("title")}</h1>
        <p className="muted">
          {t("intro")}
        </p>
        <CohortBuilder />
      </main>
    </>
  );
}
