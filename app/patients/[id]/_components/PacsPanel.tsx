"use client";
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
      setError(r.message);
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
      setRun({ study, series, progress: null, state: "error", message: "The server could not be reached; check the connection and try again." });
      return;
    }
    if (!res.ok || !res.body) {
      const b = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setRun({ study, series, progress: null, state: "error", message: b?.error?.message ?? `The server answered ${res.status}.` });
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
      setRun((r) => (r ? { ...r, state: "done", message: failures.length ? `${failures.length} instance(s) could not be stored: ${failures[0].message}` : null } : r));
      const ids = (last.scanIds as string[] | undefined) ?? [];
      router.refresh();
      if (ids[0]) onImported?.(ids[0]);
      void search();
    } else {
      setRun((r) => (r ? { ...r, state: "error", message: String(last?.message ?? "The import stopped; run it again to continue.") } : r));
    }
  }

  const pct = run?.progress && run.progress.total ? Math.round((run.progress.done / run.progress.total) * 100) : 0;
  return (
    <section className="panel pacs-panel" aria-label="PACS" data-testid="pacs-panel">
      <h2>From the PACS</h2>
      <div className="pacs-search">
        {sources.length > 1 ? (
          <label>
            Source{" "}
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
          {searching ? "Searching…" : "Find this patient's studies"}
        </button>
      </div>
      {error && <p className="error-box" role="alert">{error}</p>}
      {studies && studies.length === 0 && <p className="muted">The PACS has no study for this patient&apos;s MRN.</p>}
      {studies?.map((st) => {
        const selected = st.series.filter((s) => chosen[s.seriesInstanceUid]).map((s) => s.seriesInstanceUid);
        return (
          <div key={st.studyInstanceUid} className="pacs-study" data-testid={`pacs-study-${st.studyInstanceUid}`}>
            <div>
              <strong>{st.date ?? "no date"}</strong> {st.modalities.join(", ")} {st.description && <span className="muted">— {st.description}</span>}
            </div>
            <ul className="pacs-series">
              {st.series.map((se) => (
                <li key={se.seriesInstanceUid}>
                  <label>
                    <input type="checkbox" checked={!!chosen[se.seriesInstanceUid]} onChange={(e) => setChosen((c) => ({ ...c, [se.seriesInstanceUid]: e.target.checked }))} />{" "}
                    {se.modality ?? "?"} {se.number !== null ? `#${se.number}` : ""} {se.description ?? ""}{" "}
                    <span className="muted">
                      {se.instances ?? "?"} image{se.instances === 1 ? "" : "s"}
                      {se.imported ? `, ${se.imported} already here` : ""}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <button type="button" disabled={!selected.length || run?.state === "running"} onClick={() => void importSeries(st.studyInstanceUid, selected)}>
              Import {selected.length || ""} series
            </button>
          </div>
        );
      })}
      {run && (
        <div className="pacs-progress" role="status" aria-live="polite" data-testid="pacs-progress" data-state={run.state}>
          <progress max={100} value={pct} aria-label="Import progress" />{" "}
          {run.progress ? `${run.progress.done} of ${run.progress.total} images` : "Listing the images…"}
          {run.progress && run.progress.skipped ? ` (${run.progress.skipped} already here)` : ""}
          {run.state === "done" && " — imported; the assessment follows as for an upload."}
          {run.message && <p className={run.state === "error" ? "error-box" : "muted"}>{run.message}</p>}
          {run.state === "error" && (
            <button type="button" onClick={() => void importSeries(run.study, run.series)}>
              Retry
            </button>
          )}
        </div>
      )}
    </section>
  );
}

/** Download the assessment as a DICOM SR, or send it to a PACS (STOW-RS). */
export function ReportActions({ assessmentId, sources, hasSaliency }: { assessmentId: string; sources: { id: string; name: string }[]; hasSaliency: boolean }) {
  const [sourceId, setSourceId] = useState(sources[0]?.id ?? "");
  const [overlay, setOverlay] = useState(hasSaliency);
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({ busy: false, message: null, error: false });
  async function send() {
    setState({ busy: true, message: null, error: false });
    const r = await api<{ source: { name: string }; sopInstanceUid: string }>(`/api/assessments/${assessmentId}/report`, { method: "POST", body: { sourceId, saliencyCapture: hasSaliency && overlay } });
    setState(r.ok ? { busy: false, message: `Sent to ${r.data.source.name} as a DICOM SR${hasSaliency && overlay ? " with the saliency overlay image" : ""} (${r.data.sopInstanceUid}).`, error: false } : { busy: false, message: r.message, error: true });
  }
  return (
    <div className="report-actions" data-testid="report-actions">
      <a href={`/api/assessments/${assessmentId}/report`} download>DICOM SR</a>
      {sources.length > 0 && (
        <>
          {" · "}
          {sources.length > 1 && (
            <select value={sourceId} onChange={(e) => setSourceId(e.target.value)} aria-label="PACS">
              {sources.map((s) => (
                <option key={s.id} value={s.id}>{s.name}</option>
              ))}
            </select>
          )}{" "}
          {hasSaliency && (
            <label>
              <input type="checkbox" checked={overlay} onChange={(e) => setOverlay(e.target.checked)} /> with overlay image
            </label>
          )}{" "}
          <button type="button" onClick={() => void send()} disabled={state.busy}>
            {state.busy ? "Sending…" : `Send to ${sources.length > 1 ? "PACS" : sources[0].name}`}
          </button>
        </>
      )}
      {state.message && <p className={state.error ? "error-box" : "muted"} role="status">{state.message}</p>}
    </div>
  );
}
