"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
// The PACS panel: query a configured DICOMweb source by the patient's MRN, pick series, import them
// with a progress bar (the import streams NDJSON progress lines, lib/dicomweb/pacs.ts). A PACS that
// fails half-way leaves what was imported whole; "Retry" continues where it stopped.
import { useState } from "react";
import { useRouter } from "next/navigation";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";
import { api } from "./api";

type Series = { seriesInstanceUid: string; modality: string | null; description: string | null; number: number | null; instances: number | null; imported: number };
type Study = { studyInstanceUid: string; date: string | null; description: string | null; accessionNumber: string | null; modalities: string[]; series: Series[] };
type Progress = { total: number; done: number; imported: number; skipped: number; failed: number };
type Run = { study: string; series: string[]; progress: Progress | null; state: "running" | "done" | "error"; message: string | null };

const csrf = () => {
  const m = document.cookie.split(/;\s*/).find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
};

export function PacsPanel({ patientId, sources, onImported }: { patientId: string; sources: { id: string; name: string }[]; onImported?: (scanId: string) => void }) {
  const router = useRouter();
  const t = useTranslations("pacs");
  const tc = useTranslations("common");
  const apiError = useApiError();
  const [sourceId, setSourceId] = useState(sources[0]?.id ?? "");
  const [studies, setStudies] = useState<Study[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const [run, setRun] = useState<Run | null>(null);
  if (!sources.length) return null;

  async function search() {
    setSearching(true);
    setError(null);
    const r = await api<{ studies: Study[] }>(`/api/patients/${patientId}/pacs/studies?source=${encodeURIComponent(sourceId)}`);
    setSearching(false);
    if (!r.ok) {
      setStudies(null);
      setError(apiError({ error: r }, r.status));
      return;
    }
    setStudies(r.data.studies);
  }

  async function importSeries(study: string, series: string[]) {
    setRun({ study, series, progress: null, state: "running", message: null });
    let res: Response;
    try {
      res = await fetch(`/api/patients/${patientId}/pacs/imports`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", accept: "application/x-ndjson", [CSRF_HEADER]: csrf() },
        body: JSON.stringify({ sourceId, studyInstanceUid: study, seriesInstanceUids: series }),
      });
    } catch {
      setRun({ study, series, progress: null, state: "error", message: tc("unreachable") });
      return;
    }
    if (!res.ok || !res.body) {
      const b = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      setRun({ study, series, progress: null, state: "error", message: apiError(b, res.status) });
      return;
    }
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    let last: Record<string, unknown> | null = null;
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = JSON.parse(buf.slice(0, i)) as Record<string, unknown> & Progress;
        buf = buf.slice(i + 1);
        last = line;
        if (line.type === "progress") setRun((r) => (r ? { ...r, progress: { total: line.total, done: line.done, imported: line.imported, skipped: line.skipped, failed: line.failed } } : r));
      }
    }
    if (last?.type === "done") {
      const failures = (last.failures as { message: string }[] | undefined) ?? [];
      setRun((r) => (r ? { ...r, state: "done", message: failures.length ? t("failures", { count: failures.length, message: failures[0].message }) : null } : r));
      const ids = (last.scanIds as string[] | undefined) ?? [];
      router.refresh();
      if (ids[0]) onImported?.(ids[0]);
      void search();
    } else {
      setRun((r) => (r ? { ...r, state: "error", message: String(last?.message ?? t("stopped")) } : r));
    }
  }

  const pct = run?.progress && run.progress.total ? Math.round((run.progress.done / run.progress.total) * 100) : 0;
  return (
    <section className="panel pacs-panel" aria-label={t("region")} data-testid="pacs-panel">
      <h2>{t("heading")}</h2>
      <div className="pacs-search">
        {sources.length > 1 ? (
          <label>
            {t("source")}{" "}
            <select value={sourceId} onChange={(e) => setSourceId(e.target.value)}>
              {sources.map((s) => (
                <option key={s.id} value={s.id}>{s.name}</option>
              ))}
            </select>
          </label>
        ) : (
          <span className="muted">{sources[0].name}</span>
        )}{" "}
        <button type="button" onClick={() => void search()} disabled={searching || run?.state === "running"}>
          {searching ? t("searching") : t("find")}
        </button>
      </div>
      {error && <p className="error-box" role="alert">{error}</p>}
      {studies && studies.length === 0 && <p className="muted">{t("noStudy")}</p>}
      {studies?.map((st) => {
        const selected = st.series.filter((s) => chosen[s.seriesInstanceUid]).map((s) => s.seriesInstanceUid);
        return (
          <div key={st.studyInstanceUid} className="pacs-study" data-testid={`pacs-study-${st.studyInstanceUid}`}>
            <div>
              <strong>{st.date ?? t("noDate")}</strong> {st.modalities.join(", ")} {st.description && <span className="muted">— {st.description}</span>}
            </div>
            <ul className="pacs-series">
              {st.series.map((se) => (
                <li key={se.seriesInstanceUid}>
                  <label>
                    <input type="checkbox" checked={!!chosen[se.seriesInstanceUid]} onChange={(e) => setChosen((c) => ({ ...c, [se.seriesInstanceUid]: e.target.checked }))} />{" "}
                    {se.modality ?? "?"} {se.number !== null ? `#${se.number}` : ""} {se.description ?? ""}{" "}
                    <span className="muted">
                      {se.instances === null ? "?" : t("images", { count: se.instances })}
                      {se.imported ? t("alreadyHere", { count: se.imported }) : ""}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <button type="button" disabled={!selected.length || run?.state === "running"} onClick={() => void importSeries(st.studyInstanceUid, selected)}>
              {selected.length ? t("import", { count: selected.length }) : t("importNone")}
            </button>
          </div>
        );
      })}
      {run && (
        <div className="pacs-progress" role="status" aria-live="polite" data-testid="pacs-progress" data-state={run.state}>
          <progress max={100} value={pct} aria-label={t("progressLabel")} />{" "}
          {run.progress ? t("progress", { done: run.progress.done, total: run.progress.total }) : t("listing")}
          {run.progress && run.progress.skipped ? t("skipped", { count: run.progress.skipped }) : ""}
          {run.state === "done" && t("done")}
          {run.message && <p className={run.state === "error" ? "error-box" : "muted"}>{run.message}</p>}
          {run.state === "error" && (
            <button type="button" onClick={() => void importSeries(run.study, run.series)}>
              {t("retry")}
            </button>
          )}
        </div>
      )}
    </section>
  );
}

/** Download the assessment as a DICOM SR, or send it to a PACS (STOW-RS). */
export function ReportActions({ assessmentId, sources, hasSaliency }: { assessmentId: string; sources: { id: string; name: string }[]; hasSaliency: boolean }) {
  const t = useTranslations("report");
  const apiError = useApiError();
  const [sourceId, setSourceId] = useState(sources[0]?.id ?? "");
  const [overlay, setOverlay] = useState(hasSaliency);
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });
  async function send() {
    setState({ busy: true, message: null, error: false });
    const r = await api<{ source: { name: string }; sopInstanceUid: string }>(`/api/assessments/${assessmentId}/report`, { method: "POST", body: { sourceId, saliencyCapture: hasSaliency && overlay } });
    setState(r.ok ? { busy: false, message: t(hasSaliency && overlay ? "sentOverlay" : "sent", { name: r.data.source.name, uid: r.data.sopInstanceUid }), error: false } : { busy: false, message: apiError({ error: r }, r.status), error: true });
  }
  return (
    <div className="report-actions" data-testid="report-actions">
      <a href={`/api/assessments/${assessmentId}/report`} download>{t("sr")}</a>
      {sources.length > 0 && (
        <>
          {" · "}
          {sources.length > 1 && (
            <select value={sourceId} onChange={(e) => setSourceId(e.target.value)} aria-label={t("pacs")}>
              {sources.map((s) => (
                <option key={s.id} value={s.id}>{s.name}</option>
              ))}
            </select>
          )}{" "}
          {hasSaliency && (
            <label>
              <input type="checkbox" checked={overlay} onChange={(e) => setOverlay(e.target.checked)} /> {t("withOverlay")}
            </label>
          )}{" "}
          <button type="button" onClick={() => void send()} disabled={state.busy}>
            {state.busy ? t("sending") : t("sendTo", { target: sources.length > 1 ? t("pacs") : sources[0].name })}
          </button>
        </>
      )}
      {state.message && <p className={state.error ? "error-box" : "muted"} role="status">{state.message}</p>}
    </div>
  );
}
