import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { getDb } from "@/lib/db/client";
import { listSnapshots } from "@/lib/training/snapshots";
import { listTrainingJobs } from "@/lib/training/jobs";
import { DEMO_INDEX_DATE } from "@/lib/outcomes/seed";
import { TrainingConsole } from "./TrainingConsole";

export const dynamic = "force-dynamic";

/** Training: build a de-identified snapshot from the database, train candidates on the job queue. */
export default async function TrainingPage() {
  const actor = await requirePageActor("model:train");
  const h = await getDb();
  const [snapshots, jobs] = await Promise.all([listSnapshots(h), listTrainingJobs(h.prisma)]);
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <nav className="crumbs"><Link href="/models">← Models</Link></nav>
        <h1>Training</h1>
        <p className="research-label">Candidates trained here are for research use only — not for diagnosis — until an admin has reviewed and promoted them.</p>
        <p className="small muted">
          A snapshot is a de-identified research export (one row per patient as of the index date, the model&apos;s image input, labels from recorded outcomes and follow-up); training reads only the snapshot.
          The demo cohort&apos;s outcomes are followed up from {DEMO_INDEX_DATE}.
        </p>
        <TrainingConsole initialSnapshots={snapshots} initialJobs={jobs} defaultIndexDate={DEMO_INDEX_DATE} />
      </main>
    </>
  );
}
