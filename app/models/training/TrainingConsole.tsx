"use client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import Link from "next/link";
import { SnapshotCreate, TrainingStart, trainingStrategyValues, type TrainingJobView, type TrainingSnapshotView } from "@/lib/domain";
import { api } from "@/app/patients/[id]/_components/api";

const fmtEta = (s: number | null | undefined) => (s == null ? "—" : s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);
const live = (j: TrainingJobView) => j.status === "queued" || j.status === "running";

/**
 * Snapshots (build, list) and training jobs (start, live progress by polling every second, cancel).
 * Validated with the same zod schemas as the API.
 */
export function TrainingConsole({ initialSnapshots, initialJobs, defaultIndexDate }: { initialSnapshots: TrainingSnapshotView[]; initialJobs: TrainingJobView[]; defaultIndexDate: string }) {
  const [snapshots, setSnapshots] = useState(initialSnapshots);
  const [jobs, setJobs] = useState(initialJobs);
  const [indexDate, setIndexDate] = useState(defaultIndexDate);
  const [snapError, setSnapError] = useState<string | null>(null);
  const [building, setBuilding] = useState(false);
  const [snapshotId, setSnapshotId] = useState(initialSnapshots[0]?.id ?? "");
  const [strategy, setStrategy] = useState<string>("joint");
  const [epochs, setEpochs] = useState("2");
  const [tiny, setTiny] = useState(true);
  const [jobError, setJobError] = useState<string | null>(null);

  const refreshJobs = useCallback(async () => {
    const r = await api<{ items: TrainingJobView[] }>("/api/training/jobs");
    if (r.ok) setJobs(r.data.items);
  }, []);
  const anyLive = jobs.some(live);
  useEffect(() => {
    if (!anyLive) return;
    const t = setInterval(refreshJobs, 1000);
    return () => clearInterval(t);
  }, [anyLive, refreshJobs]);

  const build = async (e: FormEvent) => {
    e.preventDefault();
    const input = SnapshotCreate.safeParse({ indexDate });
    if (!input.success) return setSnapError(input.error.issues[0].message);
    setSnapError(null);
    setBuilding(true);
    const r = await api<TrainingSnapshotView>("/api/training/snapshots", { method: "POST", body: input.data });
    setBuilding(false);
    if (!r.ok) return setSnapError(r.message);
    setSnapshots((s) => [r.data, ...s.filter((x) => x.id !== r.data.id)]);
    setSnapshotId(r.data.id);
  };
  const train = async (e: FormEvent) => {
    e.preventDefault();
    const input = TrainingStart.safeParse({ snapshotId, strategy, epochs: Number(epochs), tiny });
    if (!input.success) return setJobError(`${input.error.issues[0].path.join(".")}: ${input.error.issues[0].message}`);
    setJobError(null);
    const r = await api<TrainingJobView>("/api/training/jobs", { method: "POST", body: input.data });
    if (!r.ok) return setJobError(r.message);
    setJobs((j) => [r.data, ...j]);
  };
  const cancel = async (id: string) => {
    const r = await api<TrainingJobView>(`/api/training/jobs/${id}/cancel`, { method: "POST", body: {} });
    if (!r.ok) setJobError(r.message);
    await refreshJobs();
  };

  return (
    <>
      <section className="panel" aria-labelledby="h-snapshots">
        <h2 id="h-snapshots">Training snapshots</h2>
        <form onSubmit={build} className="inline-form" aria-label="Build snapshot" noValidate>
          <div className="field">
            <label htmlFor="snap-index">Index date</label>
            <input id="snap-index" type="date" value={indexDate} onChange={(e) => setIndexDate(e.target.value)} aria-describedby="snap-index-hint" />
            <span id="snap-index-hint" className="hint">features as of this date, outcomes after it</span>
          </div>
          <button type="submit" disabled={building}>{building ? "Building…" : "Build snapshot"}</button>
        </form>
        {snapError && <p className="field-error" role="alert">{snapError}</p>}
        <table data-testid="snapshots-table">
          <thead><tr><th>SHA-256</th><th>Index date</th><th className="num">Patients</th><th className="num">With image</th><th>Labels (positive / negative / censored)</th><th>Built</th></tr></thead>
          <tbody>
            {snapshots.map((s) => (
              <tr key={s.id}>
                <td><code title={s.sha256}>{s.sha256.slice(0, 12)}…</code></td>
                <td>{s.indexDate}</td>
                <td className="num">{s.rows}</td>
                <td className="num">{s.imageRows}</td>
                <td className="small">{Object.entries(s.labels).map(([h, c]) => `${h}: ${c.positive} / ${c.negative} / ${c.censored}`).join("; ")}</td>
                <td className="small">{s.createdAt.slice(0, 16).replace("T", " ")}</td>
              </tr>
            ))}
            {!snapshots.length && <tr><td colSpan={6} className="muted">No snapshot yet.</td></tr>}
          </tbody>
        </table>
      </section>

      <section className="panel" aria-labelledby="h-jobs">
        <h2 id="h-jobs">Training jobs</h2>
        <form onSubmit={train} className="inline-form" aria-label="Train candidate" noValidate>
          <div className="field">
            <label htmlFor="job-snapshot">Snapshot</label>
            <select id="job-snapshot" value={snapshotId} onChange={(e) => setSnapshotId(e.target.value)}>
              {snapshots.map((s) => <option key={s.id} value={s.id}>{s.sha256.slice(0, 12)}… ({s.indexDate}, {s.rows} patients)</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="job-strategy">Strategy</label>
            <select id="job-strategy" value={strategy} onChange={(e) => setStrategy(e.target.value)}>
              {trainingStrategyValues.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="job-epochs">Epochs</label>
            <input id="job-epochs" type="number" min={1} max={200} value={epochs} onChange={(e) => setEpochs(e.target.value)} className="short" />
          </div>
          <label className="check"><input type="checkbox" checked={tiny} onChange={(e) => setTiny(e.target.checked)} /> Tiny configuration (seconds; for trying it out)</label>
          <button type="submit" disabled={!snapshotId}>Train candidate</button>
        </form>
        {jobError && <p className="field-error" role="alert">{jobError}</p>}
        <table data-testid="jobs-table">
          <thead><tr><th>Started</th><th>Strategy</th><th>Status</th><th>Progress</th><th>Candidate</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {jobs.map((j) => {
              const p = j.progress;
              const pct = p && p.epochs > 0 ? Math.min(100, (100 * p.epoch) / p.epochs) : 0;
              return (
                <tr key={j.id} data-testid={`job-${j.id}`}>
                  <td className="small">{j.createdAt.slice(0, 19).replace("T", " ")}</td>
                  <td>{j.strategy}{j.tiny ? " (tiny)" : ""}</td>
                  <td><span className={`badge job-${j.status}`}>{j.status}{j.cancelRequested && j.status === "running" ? " (cancelling)" : ""}</span>{j.error && <span className="field-error small"> {j.error}</span>}</td>
                  <td className="job-progress">
                    {p ? (
                      <>
                        <progress max={100} value={j.status === "done" ? 100 : pct} aria-label={`Training progress of ${j.strategy}`} />
                        <span className="small"> {p.phase} · epoch {p.epoch.toFixed(1)}/{p.epochs} · loss {p.loss == null ? "—" : p.loss.toFixed(3)} · ETA {fmtEta(p.etaSeconds)}</span>
                      </>
                    ) : (
                      <span className="muted small">{j.status === "queued" ? "waiting for a worker" : "—"}</span>
                    )}
                  </td>
                  <td>{j.modelVersionId ? <CandidateLink jobId={j.id} /> : "—"}</td>
                  <td>{live(j) && !j.cancelRequested && <button type="button" className="link danger" onClick={() => cancel(j.id)}>Cancel</button>}</td>
                </tr>
              );
            })}
            {!jobs.length && <tr><td colSpan={6} className="muted">No training jobs yet.</td></tr>}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** The candidate version a finished job registered (c<date>-<job id prefix>). */
function CandidateLink({ jobId }: { jobId: string }) {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: { name: string; version: string }[] }>("/api/models").then((r) => {
      const m = r.ok ? r.data.items.find((x) => x.version.endsWith(jobId.slice(0, 8))) : null;
      if (m) setHref(`/models/${encodeURIComponent(m.name)}/${encodeURIComponent(m.version)}`);
    });
  }, [jobId]);
  return href ? <Link href={href}>evaluation and card</Link> : <span className="muted">registered</span>;
}
