"use client";
import { useState } from "react";
import type { AssessmentView } from "@/lib/db/assessments";
import { ResearchLabel } from "./ResearchLabel";
import { AssessmentHistoryChart } from "./AssessmentHistoryChart";
import { AssessmentNarrative } from "./AssessmentNarrative";
import { CategoryBadge, formatPct } from "./risk-format";
import { IDENTITY_FLAG_TEXT, RECORD_PART_LABEL } from "@/lib/domain/scan";
import { EnteredInErrorAction } from "./EnteredInErrorAction";
import { api } from "./api";
import { useRouter } from "next/navigation";

type Props = {
  assessment: AssessmentView | null;
  /** a newer assessment of the same scan (or record) on its way */
  next?: AssessmentView | null;
  patientId: string;
  /** the user may re-assess and enter in error (clinicians) */
  canAct?: boolean;
  hasScans?: boolean;
  history: AssessmentView[];
  scanLabel: string | null;
  saliencyVisible: boolean;
  onSaliencyVisible: (v: boolean) => void;
  saliencyOpacity: number;
  onSaliencyOpacity: (v: number) => void;
  saliencyState: "none" | "loading" | "ready" | "error";
};

const STRATEGY: Record<string, string> = { joint: "joint fusion", early: "early fusion", late: "late fusion", image_only: "image only", tabular_only: "tabular only" };

/** Scores, their explanation and provenance for the selected scan's assessment. */
export function RiskPanel({ assessment: a, next = null, patientId, canAct = false, hasScans = true, history, scanLabel, saliencyVisible, onSaliencyVisible, saliencyOpacity, onSaliencyOpacity, saliencyState }: Props) {
  return (
    <section className="panel risk-panel" aria-labelledby="h-risk" data-testid="risk-panel">
      <h2 id="h-risk">Risk assessment</h2>
      <ResearchLabel modelName={a?.modelName} modelVersion={a?.modelVersion} />
      {a?.scanIdentityFlag && (
        <p className="identity-flag-line" role="note" data-testid="risk-identity-flag">
          ⚠ {IDENTITY_FLAG_TEXT[a.scanIdentityFlag]}: these scores used that image.
        </p>
      )}
      {a?.status === "done" && a.recordChanged && <RecordChangedNotice a={a} next={next} patientId={patientId} canAct={canAct} />}
      {a?.status === "done" && !a.recordChanged && next && (
        <p role="status" className="notice" data-testid="risk-next">
          A new assessment is {next.status === "running" ? "running" : "queued"}; the scores below are the previous ones until it finishes.
        </p>
      )}
      {!a ? (
        <>
          <p className="muted">{scanLabel ? `No assessment has been run for ${scanLabel}.` : "No assessment yet."}</p>
          {!hasScans && canAct && <ScoreRecordOnly patientId={patientId} />}
        </>
      ) : a.status === "queued" || a.status === "running" ? (
        <p role="status" className="notice">Assessment {a.status}… the scores appear here when it finishes.</p>
      ) : a.status === "failed" ? (
        <p role="alert" className="error-box">The assessment failed: {a.error ?? "no reason was recorded"}.</p>
      ) : a.resultError ? (
        <p role="alert" className="error-box" data-testid="risk-unreadable">The stored result of this assessment cannot be read, so no scores are shown. {a.resultError}</p>
      ) : (
        <>
          <p className="muted small" data-testid="risk-provenance">
            {a.scanId === null && (
              <span className="record-only-badge" data-testid="record-only-badge" title="No image was used: the scores rest on the medical history, family history and diet alone.">
                Record only
              </span>
            )}{" "}
            {scanLabel && a.scanId ? `${scanLabel} · ` : ""}
            <time dateTime={a.completedAt ?? a.createdAt} suppressHydrationWarning>{new Date(a.completedAt ?? a.createdAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}</time> · {STRATEGY[a.strategy] ?? a.strategy} ·{" "}
            <a href={`/models/${encodeURIComponent(a.modelName)}/${encodeURIComponent(a.modelVersion)}`}>{a.modelName} {a.modelVersion}</a>
          </p>
          {a.notices.length > 0 && (
            <div className={a.notices.some((n) => n.severity === "caution") ? "notice caution" : "notice"} data-testid="risk-notices">
              <strong>Read these scores with care</strong>
              <ul>
                {a.notices.map((n) => (
                  <li key={n.flag} data-flag={n.flag}>{n.text}</li>
                ))}
              </ul>
            </div>
          )}
          <ul className="heads" aria-label="Risk per outcome">
            {a.scores.map((s) => (
              <li key={s.head} data-testid={`head-${s.head}`}>
                <div className="head-label">{s.label}</div>
                <div className="head-value">
                  <strong className="prob">{formatPct(s.probability)}</strong>
                  {s.interval && (
                    <span className="muted">
                      {" "}(uncertainty {formatPct(s.interval[0])}–{formatPct(s.interval[1])}, ~90%)
                    </span>
                  )}{" "}
                  <CategoryBadge category={s.category} />
                </div>
                <div className="prob-bar" aria-hidden="true">
                  {s.interval && <span className="prob-ci" style={{ left: `${s.interval[0] * 100}%`, width: `${Math.max(0.5, (s.interval[1] - s.interval[0]) * 100)}%` }} />}
                  <span className="prob-dot" style={{ left: `${s.probability * 100}%` }} />
                </div>
                {s.categories && (
                  <div className="muted small" data-testid={`thresholds-${s.head}`}>
                    Categories: low below {formatPct(s.categories.moderateFrom)}, moderate {formatPct(s.categories.moderateFrom)}–{formatPct(s.categories.highFrom)}, high from {formatPct(s.categories.highFrom)}
                  </div>
                )}
              </li>
            ))}
          </ul>
          <p className="muted small" data-testid="uncertainty-method">
            <strong>Uncertainty range:</strong> how unsure the model is about this input — Monte-Carlo dropout over the fusion layer, widened so that about 90% of ranges
            held the true risk on synthetic validation data. It is not a guarantee of coverage for real patients.
            {a.intervalMethod ? <> Method: {a.intervalMethod}.</> : null}
          </p>
          <OutcomeExplanation a={a} />
          <h3>Saliency over the image</h3>
          {a.hasSaliency ? (
            <div className="saliency-controls">
              <label className="switch">
                <input type="checkbox" checked={saliencyVisible} onChange={(e) => onSaliencyVisible(e.target.checked)} data-testid="saliency-toggle" />
                Show saliency heatmap <span className="muted">(S)</span>
              </label>
              <label className="opacity">
                Opacity
                <input type="range" min={0.1} max={1} step={0.05} value={saliencyOpacity} onChange={(e) => onSaliencyOpacity(Number(e.target.value))} disabled={!saliencyVisible} aria-valuetext={`${Math.round(saliencyOpacity * 100)}%`} data-testid="saliency-opacity" />
              </label>
              {saliencyState === "loading" && <span className="muted" role="status">Loading map…</span>}
              {saliencyState === "error" && <span className="error-text" role="alert">The saliency map could not be loaded.</span>}
            </div>
          ) : (
            <p className="muted small">This assessment has no saliency map{a.scanId ? "" : " (no image was used)"}.</p>
          )}
          <AssessmentNarrative assessment={a} />
        </>
      )}
      {a && a.status !== "queued" && a.status !== "running" && canAct && <EnteredInErrorAction key={a.id} kind="assessment" id={a.id} label="this assessment" />}
      {history.some((h) => h.status === "done" && h.scores.length) && (
        <>
          <h3>Assessment history</h3>
          <AssessmentHistoryChart history={history} />
        </>
      )}
    </section>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** "The record changed since this score" — what changed, and the re-assessment that will replace it. */
function RecordChangedNotice({ a, next, patientId, canAct }: { a: AssessmentView; next: AssessmentView | null; patientId: string; canAct: boolean }) {
  const c = a.recordChanged!;
  const parts = c.parts.map((p) => RECORD_PART_LABEL[p]).join(", ") || "the record";
  return (
    <div className="record-changed" role="status" data-testid="record-changed">
      <strong>The record changed since this score:</strong> {parts} ({c.changes} change{c.changes === 1 ? "" : "s"}, last{" "}
      <time dateTime={c.lastChangedAt} suppressHydrationWarning>{when(c.lastChangedAt)}</time>). These scores do not reflect it.
      <div className="muted small" data-testid="record-changed-next">
        {next
          ? next.status === "running"
            ? "The new assessment is running; this flag stays until its score is stored."
            : next.scheduledFor
              ? <>A new assessment runs automatically once the record has been quiet (about <time dateTime={next.scheduledFor} suppressHydrationWarning>{when(next.scheduledFor)}</time>); this flag stays until its score is stored.</>
              : "A new assessment is queued; this flag stays until its score is stored."
          : "No new assessment is queued for this scan."}
      </div>
      {canAct && <ReassessNow patientId={patientId} scanId={a.scanId} label={next ? "Re-assess now" : "Re-assess"} />}
    </div>
  );
}

function ReassessNow({ patientId, scanId, label }: { patientId: string; scanId: string | null; label: string }) {
  const router = useRouter();
  const [state, setState] = useState<"idle" | "busy" | { error: string }>("idle");
  return (
    <span>
      <button
        type="button"
        className="small"
        disabled={state === "busy"}
        data-testid="reassess-now"
        onClick={async () => {
          setState("busy");
          const r = await api(`/api/patients/${patientId}/assessments`, { method: "POST", body: { scanId } });
          if (r.ok) {
            setState("idle");
            router.refresh();
          } else setState({ error: r.message });
        }}
      >
        {label}
      </button>
      {typeof state === "object" && <span className="error-text"> {state.error}</span>}
    </span>
  );
}

/** A patient without scans: score the record alone (the record-only model path, flagged as such). */
function ScoreRecordOnly({ patientId }: { patientId: string }) {
  return (
    <p data-testid="score-record-only">
      This patient has no scans. <ReassessNow patientId={patientId} scanId={null} label="Score from the record alone" />
      <br />
      <span className="muted small">The scores will rest on the medical history, family history and diet, without an image, and say so.</span>
    </p>
  );
}

/** One outcome's explanation at a time: the clinician picks the outcome; contributions and factors are that outcome's. */
function OutcomeExplanation({ a }: { a: AssessmentView }) {
  const [picked, setPicked] = useState<{ id: string; head: string } | null>(null);
  if (!a.explanations.length) return null;
  const fallback = a.explanations.find((e) => e.head === a.explainedHead) ?? a.explanations[0];
  const head = picked?.id === a.id ? picked.head : fallback.head;
  const e = a.explanations.find((x) => x.head === head) ?? fallback;
  const against = e.factors.filter((f) => f.againstClinicalKnowledge);
  return (
    <section className="outcome-explanation" aria-labelledby="h-explain" data-testid="outcome-explanation" data-head={e.head}>
      <h3 id="h-explain">Why this score</h3>
      {a.explanations.length > 1 && (
        <fieldset className="outcome-switch" data-testid="explain-switch">
          <legend className="small">Explain the outcome</legend>
          {a.explanations.map((x) => (
            <label key={x.head} className="switch">
              <input type="radio" name={`explain-${a.id}`} value={x.head} checked={x.head === e.head} onChange={() => setPicked({ id: a.id, head: x.head })} data-testid={`explain-${x.head}`} />
              {x.label}
            </label>
          ))}
        </fieldset>
      )}
      {e.modalityContributions.length > 0 && (
        <>
          <h4>What the score rests on <span className="muted small">· {e.label}</span></h4>
          <div className="contrib-bar" role="img" aria-label={e.modalityContributions.map((m) => `${m.label} ${Math.round(m.share * 100)}%`).join(", ")} data-testid="contrib-bar">
            {e.modalityContributions.map((m, i) => (
              <span key={m.modality} className={`contrib c${i % 5}`} style={{ width: `${m.share * 100}%` }} />
            ))}
          </div>
          <ul className="contrib-legend" data-testid="contrib-legend">
            {e.modalityContributions.map((m, i) => (
              <li key={m.modality}><span className={`swatch c${i % 5}`} aria-hidden="true" />{m.label} {Math.round(m.share * 100)}%{m.direction === "lowers" ? " (lowers)" : ""}</li>
            ))}
          </ul>
        </>
      )}
      {e.factors.length > 0 && (
        <>
          <h4>Top factors <span className="muted small">· {e.label}</span></h4>
          <ul className="factors" data-testid="factors">
            {e.factors.map((f) => (
              <li key={f.text} data-against={f.againstClinicalKnowledge ? "1" : undefined}>
                <span className={`dir ${f.direction}`} aria-hidden="true">{f.direction === "raises" ? "▲" : "▼"}</span>
                <span>
                  {f.text} — <em>{f.direction} this risk</em>
                  {f.againstClinicalKnowledge && <span className="muted"> *</span>}
                </span>
              </li>
            ))}
          </ul>
          {against.length > 0 && (
            <p className="notice small" data-testid="against-clinical-knowledge">
              * {against.map((f) => `${f.text} (clinically expected to ${f.clinicalDirection === "lowers" ? "lower" : "raise"} this risk)`).join("; ")}: the direction this model gives
              runs against clinical knowledge. It is an association the model learned from synthetic training data, not a cause.
            </p>
          )}
        </>
      )}
    </section>
  );
}
