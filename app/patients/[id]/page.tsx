import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { headers } from "next/headers";
import { preload } from "react-dom";
import { notFound } from "next/navigation";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { roleMay } from "@/lib/auth/permissions";
import { recordPageView } from "@/lib/auth/page-view";
import { prisma } from "@/lib/db/client";
import { getPatientRecord } from "@/lib/db/patients";
import { listAssessments } from "@/lib/db/assessments";
import { activeOutcomes } from "@/lib/db/model-registry";
import { NotFoundError, ageOn, todayIso, uuid } from "@/lib/domain";
import { Workspace } from "./_components/Workspace";
import { RecordPanels } from "./_components/RecordPanels";
import type { ViewerScan } from "./_viewer/types";
import { scanFileUrl } from "./_viewer/imageIds";
import { preloadViewerChunks } from "./_viewer/preloadViewerChunks";
import { scanPlaces } from "@/lib/dicomweb/browse";
import { listSources } from "@/lib/dicomweb/sources";
import { listOutcomes } from "@/lib/outcomes/service";
import { OutcomesPanel } from "./_components/OutcomesPanel";

export const dynamic = "force-dynamic";
// no name in the title: browser history and tab lists are not the place for identifiers
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("record"))("title") };
}

export default async function PatientRecordPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("patient:read");
  const { id } = await params;
  if (!uuid.safeParse(id).success) notFound();
  const db = await prisma();
  const [record, assessments, places, outcomes, modelOutcomes] = await Promise.all([
    getPatientRecord(db, id).catch((e) => {
      if (e instanceof NotFoundError) notFound();
      throw e;
    }),
    listAssessments(db, id),
    scanPlaces(db, id),
    listOutcomes(db, id).catch(() => null),
    activeOutcomes(db),
  ]);
  // the risk trend's category bands: the active model's thresholds per outcome
  const categoryBands = Object.fromEntries([...modelOutcomes].map(([head, o]) => [head, o.categories]));
  const canUpload = roleMay(actor.role, "scan:upload");
  // the PACS the clinician may query (names only; addresses and secrets stay on the server)
  const pacsSources = canUpload ? (await listSources(db, { enabledOnly: true })).map((s) => ({ id: s.id, name: s.name })) : [];
  const placeOf = new Map(places.map((p) => [p.scanId, p]));
  await recordPageView(actor, { action: "patient.read", entityType: "Patient", entityId: id, patientId: id });
  const scans: ViewerScan[] = record.scans.map((s) => {
    const p = placeOf.get(s.id);
    return {
      id: s.id, modality: s.modality, contentType: s.contentType, rows: s.rows, columns: s.columns, frames: s.frames,
      acquisitionDate: s.acquisitionDate, bodyPart: s.bodyPart, transferSyntaxUid: s.transferSyntaxUid, photometricInterpretation: s.photometricInterpretation,
      identityFlag: s.identityFlag,
      ...(p?.studyInstanceUid
        ? { place: { study: p.studyInstanceUid, series: p.seriesInstanceUid, studyDate: p.studyDate, studyDescription: p.studyDescription, seriesNumber: p.seriesNumber, seriesDescription: p.seriesDescription, instanceNumber: p.instanceNumber } }
        : {}),
      ...(p?.viaDicomweb ? { dicomweb: { study: p.studyInstanceUid!, series: p.seriesInstanceUid!, sop: p.sopInstanceUid! } } : {}),
    };
  });
  // open on the scan the newest finished assessment looked at
  const initialScanId = assessments.find((a) => a.status === "done" && a.scanId)?.scanId ?? scans[0]?.id ?? null;
  // The viewer needs this file as soon as Cornerstone is up; fetched from <head> it arrives while
  // the viewer's JavaScript is still loading (the placeholder claims it: _viewer/scanBytes.ts).
  // `crossOrigin: "anonymous"` makes it the same request as the client's same-origin fetch().
  if (initialScanId && !scans.find((s) => s.id === initialScanId)?.dicomweb) preload(scanFileUrl(initialScanId), { as: "fetch", crossOrigin: "anonymous" });
  if (scans.length) preloadViewerChunks((await headers()).get("x-nonce") ?? undefined);
  const t = await getTranslations("record");
  const tsex = await getTranslations("sex");

  return (
    <>
      {/* skip links: the first Tab stops, before the navigation (WCAG 2.4.1) */}
      <nav className="skip-links" aria-label={t("skipLinks")}>
        <a href="#viewer">{t("skipViewer")}</a>
        <a href="#risk-panel">{t("skipRisk")}</a>
      </nav>
      <TopBar actor={actor} />
      <main className="record">
        <nav aria-label={t("breadcrumb")} className="crumbs">
          <Link href="/patients">{t("backToPatients")}</Link>
        </nav>
        <header className="record-head">
          <h1>
            {record.familyName}, {record.givenName}
          </h1>
          <dl className="demographics" aria-label={t("demographics")}>
            <div><dt>{t("mrn")}</dt><dd>{record.mrn}</dd></div>
            <div><dt>{t("born")}</dt><dd>{record.birthDate}</dd></div>
            <div><dt>{t("age")}</dt><dd>{ageOn(record.birthDate, todayIso())}</dd></div>
            <div><dt>{t("sex")}</dt><dd>{tsex(record.sex)}</dd></div>
            <div><dt>{t("scans")}</dt><dd>{record.scans.length}</dd></div>
            <div><dt>{t("assessments")}</dt><dd>{assessments.length}</dd></div>
          </dl>
        </header>
        <Workspace
          scans={scans}
          assessments={assessments}
          initialScanId={initialScanId}
          patientId={record.id}
          canUpload={canUpload}
          pacsSources={pacsSources}
          categoryBands={categoryBands}
          recordVersion={record.recordVersion}
        />
        <RecordPanels patientId={record.id} rerunScanId={assessments.find((a) => a.status === "done")?.scanId ?? null} conditions={record.conditions} familyHistory={record.familyHistory} dietRecords={record.dietRecords} />
        {outcomes && roleMay(actor.role, "outcome:read") && <OutcomesPanel patientId={record.id} data={outcomes} />}
      </main>
    </>
  );
}
