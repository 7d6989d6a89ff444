import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { listSources } from "@/lib/dicomweb/sources";
import { SourceAdmin } from "./SourceAdmin";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("admin"))("dicomwebTitle") };
}

export const dynamic = "force-dynamic";

export default async function DicomwebSourcesPage() {
  const actor = await requirePageActor("dicomweb:admin");
  const sources = await listSources(await prisma());
  const t = await getTranslations("admin");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("dicomweb")}</h1>
        <p className="muted">
          {t.rich("dicomwebIntro", { code: (c) => <code>{c}</code> })}
        </p>
        <SourceAdmin sources={sources} />
      </main>
    </>
  );
}
