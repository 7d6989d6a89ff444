"use client";
import { useLocale, useTranslations } from "next-intl";
import { localizeOutcomeLabel } from "@/lib/domain/clinical-terms";
// The record page's live part: the viewer and the risk panel share the selected scan and the
// saliency overlay state. Running assessments are polled until they finish.
import { useCallback, useEffect, useMemo, useState } from "react";
import { useRouter } from "next/navigation";
import { Viewer } from "../_viewer/Viewer";
import type { ViewerSaliency, ViewerScan } from "../_viewer/types";
import type { AssessmentView } from "@/lib/db/assessments";
import { RiskPanel } from "./RiskPanel";
import { UploadPanel } from "./UploadPanel";
import { PacsPanel, ReportActions } from "./PacsPanel";
import type { ScanScore } from "../_viewer/SeriesBrowser";
import { formatPct } from "./risk-format";
import { TrendContext } from "./AssessmentHistoryChart";
import type { CategoryThresholds } from "@/lib/domain/outcomes";
import { useRecordWatch } from "./useRecordWatch";
import { EnteredInErrorAction } from "./EnteredInErrorAction";

type Props = {
  patientId: string;
  scans: ViewerScan[];
  assessments: AssessmentView[];
  initialScanId: string | null;
  canUpload: boolean;
  /** DICOMweb sources (PACS) the clinician may query, import from and send reports to */
  pacsSources?: { id: string; name: string }[];
  /** the active model's category thresholds per outcome: the bands behind the risk trend */
  categoryBands?: Record<string, CategoryThresholds>;
  /** the record version this page was rendered from (the page refreshes when it moves) */
  recordVersion: number;
};

/** The newest finished assessment's highest score per scan, for the series browser. */
function scoresByScan(assessments: AssessmentView[], words: (category: string) => string, label: (l: string) => string): Record<string, ScanScore> {
  const out: Record<string, ScanScore> = {};
  for (const a of assessments) {
    if (a.status !== "done" || !a.scanId || out[a.scanId] || !a.scores.length) continue;
    const top = [...a.scores].sort((x, y) => y.probability - x.probability)[0];
    out[a.scanId] = { label: `${label(top.label)}: ${formatPct(top.probability)} (${words(top.category)}), ${a.modelName} ${a.modelVersion}`, text: `${formatPct(top.probability)} ${words(top.category)}`, category: top.category };
  }
  return out;
}

export function Workspace({ patientId, scans, assessments, initialScanId, canUpload, pacsSources = [], categoryBands, recordVersion }: Props) {
  const router = useRouter();
  const t = useTranslations("record");
  const tc = useTranslations("risk.category");
  const locale = useLocale();
  const scanWords = useCallback((s: { modality: string; acquisitionDate: string | null }) => t("scanLabel", { modality: s.modality, date: s.acquisitionDate ?? "none" }), [t]);
  const [chosenId, setSelectedId] = useState<string | null>(initialScanId ?? scans[0]?.id ?? null);
  // a scan entered in error (here or elsewhere) leaves the list: fall back to the newest one left
  const selectedId = chosenId && scans.some((s) => s.id === chosenId) ? chosenId : scans[0]?.id ?? null;
  // Scans the viewer could not display. Until the clinician picks a scan, the record shows the
  // newest one that displays instead of an error (a scan they pick themselves stays selected).
  const [undisplayable, setUndisplayable] = useState<ReadonlySet<string>>(() => new Set());
  const [picked, setPicked] = useState(false);
  const choose = useCallback((scanId: string) => {
    setPicked(true);
    setSelectedId(scanId);
  }, []);
  const [skipped, setSkipped] = useState<string | null>(null);
  const onUndisplayable = useCallback(
    (scanId: string) => {
      const failed = new Set(undisplayable).add(scanId);
      if (!undisplayable.has(scanId)) setUndisplayable(failed);
      if (picked || scanId !== selectedId) return;
      const next = scans.find((s) => !failed.has(s.id));
      if (!next) return;
      const was = scans.find((s) => s.id === scanId);
      setSkipped(was ? scanWords(was) : t("newestScan"));
      setSelectedId(next.id);
    },
    [undisplayable, picked, selectedId, scans, scanWords, t],
  );
  const [saliencyVisible, setSaliencyVisible] = useState(false);
  const [opacity, setOpacity] = useState(0.5);
  // the last fetched map; while a wanted map is not here yet, the panel shows "loading" (derived)
  const [saliency, setSaliency] = useState<{ id: string; map: ViewerSaliency | null; state: "ready" | "error" } | null>(null);

  // The selected scan's newest finished assessment — its scores stay on screen (flagged when the
  // record changed since) while a newer one is queued; else its newest (queued, running, failed).
  // Without scans: the newest record-only assessment.
  const forSelection = useMemo(() => assessments.filter((a) => (selectedId ? a.scanId === selectedId : a.scanId === null)), [assessments, selectedId]);
  const assessment = useMemo(() => forSelection.find((a) => a.status === "done") ?? forSelection[0] ?? null, [forSelection]);
  // a newer assessment of the same selection still on its way (the automatic re-assessment, a re-run)
  const next = useMemo(() => {
    const n = forSelection.find((a) => a.status === "queued" || a.status === "running") ?? null;
    return n && assessment && n.id !== assessment.id && n.createdAt > assessment.createdAt ? n : null;
  }, [forSelection, assessment]);
  const shownDone = useMemo(() => new Set(assessments.filter((a) => a.status === "done" || a.status === "failed").map((a) => a.id)), [assessments]);
  useRecordWatch(patientId, recordVersion, shownDone);
  const scan = scans.find((s) => s.id === selectedId) ?? null;
  const scanLabel = scan ? scanWords(scan) : null;

  // fetch the saliency map only when it is asked for (once per assessment)
  const wanted = saliencyVisible && assessment?.hasSaliency ? assessment.id : null;
  const loadedId = saliency?.id ?? null;
  useEffect(() => {
    if (!wanted || loadedId === wanted) return;
    fetch(`/api/assessments/${wanted}`, { credentials: "same-origin" })
      .then(async (r) => {
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const body = (await r.json()) as { saliency: ViewerSaliency | null };
        setSaliency({ id: wanted, map: body.saliency, state: body.saliency ? "ready" : "error" });
      })
      .catch(() => setSaliency({ id: wanted, map: null, state: "error" }));
  }, [wanted, loadedId]);

  // live status: poll a queued / running assessment (not one waiting for its debounce), then reload the record
  const pending = assessments.find((a) => (a.status === "queued" && !a.scheduledFor) || a.status === "running");
  useEffect(() => {
    if (!pending) return;
    const t = setInterval(async () => {
      const r = await fetch(`/api/assessments/${pending.id}`, { credentials: "same-origin" }).catch(() => null);
      if (!r?.ok) return;
      const a = (await r.json()) as { status: string };
      if (a.status !== pending.status) router.refresh();
    }, 2000);
    return () => clearInterval(t);
  }, [pending, router]);

  const toggle = useCallback(() => setSaliencyVisible((v) => !v), []);
  const scores = useMemo(() => scoresByScan(assessments, (c) => tc(c as "low"), (l) => localizeOutcomeLabel(l, locale)), [assessments, tc, locale]);
  const map = saliency && assessment && saliency.id === assessment.id ? saliency : null;
  const trend = useMemo(() => ({ modalityOf: Object.fromEntries(scans.map((s) => [s.id, s.modality])), bands: categoryBands ?? {} }), [scans, categoryBands]);

  return (
    <div className="workspace">
      <div className="workspace-viewer skip-target" id="viewer" tabIndex={-1} aria-label={t("viewerRegion")} role="region">
        <Viewer
          scans={scans}
          selectedId={selectedId}
          onSelect={choose}
          onUndisplayable={onUndisplayable}
          saliency={map?.map ?? null}
          saliencyVisible={saliencyVisible}
          saliencyOpacity={opacity}
          onToggleSaliency={assessment?.hasSaliency ? toggle : undefined}
          scores={scores}
        />
        {skipped && !picked && (
          <p className="muted" role="status" data-testid="viewer-skipped">
            {t("skipped", { scan: skipped })}
          </p>
        )}
        {/* the lead's upload panel (drag-drop, progress, live status); a finished scan is selected */}
        {canUpload && <UploadPanel patientId={patientId} onAssessed={(scanId) => setSelectedId(scanId)} />}
        {canUpload && scan && <EnteredInErrorAction key={scan.id} kind="scan" id={scan.id} label={scanLabel ?? t("thisScan")} />}
        {canUpload && <PacsPanel patientId={patientId} sources={pacsSources} onImported={(scanId) => setSelectedId(scanId)} />}
      </div>
      <aside className="workspace-side skip-target" id="risk-panel" tabIndex={-1} aria-label={t("riskRegion")}>
        <TrendContext.Provider value={trend}>
          <RiskPanel
            assessment={assessment}
            next={next}
            patientId={patientId}
            canAct={canUpload}
            hasScans={scans.length > 0}
            history={assessments}
            scanLabel={scanLabel}
            saliencyVisible={saliencyVisible}
            onSaliencyVisible={setSaliencyVisible}
            saliencyOpacity={opacity}
            onSaliencyOpacity={setOpacity}
            saliencyState={!saliencyVisible ? "none" : map?.state ?? "loading"}
          />
        </TrendContext.Provider>
        {assessment?.status === "done" && assessment.scanId && scan?.contentType === "application/dicom" && <ReportActions assessmentId={assessment.id} sources={pacsSources} hasSaliency={assessment.hasSaliency} />}
      </aside>
    </div>
  );
}
