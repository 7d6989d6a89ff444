import type { Metadata } from "next";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { CohortBuilder } from "./CohortBuilder";

export const metadata: Metadata = { title: "Research export" };

export const dynamic = "force-dynamic";

/** /research/export — the researcher's cohort builder and de-identified download. */
export default async function ResearchExportPage() {
  const actor = await requirePageActor("export:deidentified");
  return (
    <>
      <TopBar actor={actor} />
      <main className="export-page">
        <h1>Research export</h1>
        <p className="muted">
          De-identified (HIPAA Safe Harbor) rows of finished assessments: pseudonymised patients, ages top-coded at 90, years
          instead of dates, no names, MRNs or DICOM UIDs. Every export is recorded in the audit trail with its row count and
          the SHA-256 of the bytes sent.
        </p>
        <CohortBuilder />
      </main>
    </>
  );
}
