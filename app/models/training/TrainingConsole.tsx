"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { useIssueText } from "@/app/_components/useIssueText";
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
  const t = useTranslations("training");
  const apiError = useApiError();
  const issueText = useIssueText();
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
    if (!input.success) return setSnapError(issueText(input.error.issues[0]));
    setSnapError(null);
    setBuilding(true);
    const r = await api<TrainingSnapshotView>("/api/training/snapshots", { method: "POST", body: input.data });
    setBuilding(false);
    if (!r.ok) return setSnapError(apiError({ error: r }, r.status));
    setSnapshots((s) => [r.data, ...s.filter((x) => x.id !== r.data.id)]);
    setSnapshotId(r.data.id);
  };
  const train = async (e: FormEvent) => {
    e.preventDefault();
    const input = TrainingStart.safeParse({ snapshotId, strategy, epochs: Number(epochs), tiny });
    if (!input.success) return setJobError(`${input.error.issues[0].path.join(".")}: ${issueText(input.error.issues[0])}`);
    setJobError(null);
    const r = await api<TrainingJobView>("/api/training/jobs", { method: "POST", body: input.data });
    if (!r.ok) return setJobError(apiError({ error: r }, r.status));
    setJobs((j) => [r.data, ...j]);
  };
  const cancel = async (id: string) => {
    const r = await api<TrainingJobView>(`/api/training/jobs/${id}/cancel`, { method: "POST", body: {} });
    if (!r.ok) setJobError(apiError({ error: r }, r.status));
    await refreshJobs();
  };

  return (
    <>
      <section className="panel" aria-labelledby="h-snapshots">
        <h2 id="h-snapshots">{t("snapshots")}</h2>
        <form onSubmit={build} className="inline-form" aria-label={t("buildForm")} noValidate>
          <div className="field">
            <label htmlFor="snap-index">{t("indexDate")}</label>
            <input id="snap-index" type="date" value={indexDate} onChange={(e) => setIndexDate(e.target.value)} aria-describedby="snap-index-hint" />
            <span id="snap-index-hint" className="hint">{t("indexHint")}</span>
          </div>
          <button type="submit" disabled={building}>{building ? t("building") : t("build")}</button>
        </form>
        {snapError && <p className="field-error" role="alert">{snapError}</p>}
        <table data-testid="snapshots-table">
          <thead><tr><th>SHA-256</th><th>{t("indexDate")}</th><th className="num">{t("patients")}</th><th className="num">{t("withImage")}</th><th>{t("labels")}</th><th>{t("built")}</th></tr></thead>
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
            {!snapshots.length && <tr><td colSpan={6} className="muted">{t("noSnapshot")}</td></tr>}
          </tbody>
        </table>
      </section>

      <section className="panel" aria-labelledby="h-jobs">
        <h2 id="h-jobs">{t("jobs")}</h2>
        <form onSubmit={train} className="inline-form" aria-label={t("trainForm")} noValidate>
          <div className="field">
            <label htmlFor="job-snapshot">{t("snapshot")}</label>
            <select id="job-snapshot" value={snapshotId} onChange={(e) => setSnapshotId(e.target.value)}>
              {snapshots.map((s) => <option key={s.id} value={s.id}>{t("snapshotOption", { sha: s.sha256.slice(0, 12), date: s.indexDate, count: s.rows })}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="job-strategy">{t("strategy")}</label>
            <select id="job-strategy" value={strategy} onChange={(e) => setStrategy(e.target.value)}>
              {trainingStrategyValues.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="job-epochs">{t("epochs")}</label>
            <input id="job-epochs" type="number" min={1} max={200} value={epochs} onChange={(e) => setEpochs(e.target.value)} className="short" />
          </div>
          <label className="check"><input type="checkbox" checked={tiny} onChange={(e) => setTiny(e.target.checked)} /> {t("tiny")}</label>
          <button type="submit" disabled={!snapshotId}>{t("train")}</button>
        </form>
        {jobError && <p className="field-error" role="alert">{jobError}</p>}
        <table data-testid="jobs-table">
          <thead><tr><th>{t("started")}</th><th>{t("strategy")}</th><th>{t("status")}</th><th>{t("progress")}</th><th>{t("candidate")}</th><th><span className="sr-only">{t("actions")}</span></th></tr></thead>
          <tbody>
            {jobs.map((j) => {
              const p = j.progress;
              const pct = p && p.epochs > 0 ? Math.min(100, (100 * p.epoch) / p.epochs) : 0;
              return (
                <tr key={j.id} data-testid={`job-${j.id}`}>
                  <td className="small">{j.createdAt.slice(0, 19).replace("T", " ")}</td>
                  <td>{j.strategy}{j.tiny ? t("tinySuffix") : ""}</td>
                  <td><span className={`badge job-${j.status}`}>{t(`statuses.${j.status}`)}{j.cancelRequested && j.status === "running" ? t("cancelling") : ""}</span>{j.error && <span className="field-error small"> {j.error}</span>}</td>
                  <td className="job-progress">
                    {p ? (
                      <>
                        <progress max={100} value={j.status === "done" ? 100 : pct} aria-label={t("progressLabel", { strategy: j.strategy })} />
                        <span className="small">{t("progressText", { phase: p.phase, epoch: p.epoch.toFixed(1), epochs: p.epochs, loss: p.loss == null ? "—" : p.loss.toFixed(3), eta: fmtEta(p.etaSeconds) })}</span>
                      </>
                    ) : (
                      <span className="muted small">{j.status === "queued" ? t("waiting") : "—"}</span>
                    )}
                  </td>
                  <td>{j.modelVersionId ? <CandidateLink jobId={j.id} /> : "—"}</td>
                  <td>{live(j) && !j.cancelRequested && <button type="button" className="link danger" onClick={() => cancel(j.id)}>{t("cancel")}</button>}</td>
                </tr>
              );
            })}
            {!jobs.length && <tr><td colSpan={6} className="muted">{t("noJobs")}</td></tr>}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** The candidate version a finished job registered (c<date>-<job id prefix>). */
function CandidateLink({ jobId }: { jobId: string }) {
  const t = useTranslations("training");
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: { name: string; version: string }[] }>("/api/models").then((r) => {
      const m = r.ok ? r.data.items.find((x) => x.version.endsWith(jobId.slice(0, 8))) : null;
      if (m) setHref(`/models/${encodeURIComponent(m.name)}/${encodeURIComponent(m.version)}`);
    });
  }, [jobId]);
  return href ? <Link href={href}>{t("evaluation")}</Link> : <span className="muted">{t("registered")}</span>;
}
