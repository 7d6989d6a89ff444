import type { Metadata } from "next";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { listSources } from "@/lib/dicomweb/sources";
import { SourceAdmin } from "./SourceAdmin";

export const metadata: Metadata = { title: "DICOMweb sources" };

export const dynamic = "force-dynamic";

export default async function DicomwebSourcesPage() {
  const actor = await requirePageActor("dicomweb:admin");
  const sources = await listSources(await prisma());
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>DICOMweb sources (PACS)</h1>
        <p className="muted">
          Clinicians query these archives by a patient&apos;s MRN, import series, and send finished assessments back as DICOM
          Structured Reports. An archive that pushes studies here (STOW-RS to <code>/dicomweb/studies</code>) needs a push
          token; see <code>lib/dicomweb/README.md</code> for the Orthanc configuration.
        </p>
        <SourceAdmin sources={sources} />
      </main>
    </>
  );
}
