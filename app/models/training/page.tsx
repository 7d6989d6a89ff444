import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { getDb } from "@/lib/db/client";
import { listSnapshots } from "@/lib/training/snapshots";
import { listTrainingJobs } from "@/lib/training/jobs";
import { DEMO_INDEX_DATE } from "@/lib/outcomes/seed";
import { TrainingConsole } from "./TrainingConsole";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("training"))("title") };
}

export const dynamic = "force-dynamic";

/** Training: build a de-identified snapshot from the database, train candidates on the job queue. */
export default async function TrainingPage() {
  const actor = await requirePageActor("model:train");
  const h = await getDb();
  const [snapshots, jobs] = await Promise.all([listSnapshots(h), listTrainingJobs(h.prisma)]);
  const t = await getTranslations("training");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <nav className="crumbs"><Link href="/models">{t("back")}</Link></nav>
        <h1>{t("title")}</h1>
        <p className="research-label">{t("researchLabel")}</p>
        <p className="small muted">
          {t("intro", { date: DEMO_INDEX_DATE })}
        </p>
        <TrainingConsole initialSnapshots={snapshots} initialJobs={jobs} defaultIndexDate={DEMO_INDEX_DATE} />
      </main>
    </>
  );
}
