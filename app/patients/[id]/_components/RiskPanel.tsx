"use client";
import { useState } from "react";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { describeAssessmentFlags } from "@/lib/domain/assessment-flags";
import { localizeFactor, localizeIntervalMethod, localizeOutcomeLabel } from "@/lib/domain/clinical-terms";
import { useApiError } from "@/app/_components/useApiError";
import type { AssessmentView } from "@/lib/db/assessments";
import { ResearchLabel } from "./ResearchLabel";
import { AssessmentHistoryChart } from "./AssessmentHistoryChart";
import { AssessmentNarrative } from "./AssessmentNarrative";
import { CategoryBadge, formatPct } from "./risk-format";
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

const STRATEGIES = ["joint", "early", "late", "image_only", "tabular_only"] as const;
const isStrategy = (s: string): s is (typeof STRATEGIES)[number] => (STRATEGIES as readonly string[]).includes(s);

/** "medium date, short time" in the interface language (UTC, as every date here). */
export function useWhen(): (iso: string) => string {
  const f = useFormatter();
  return (iso: string) => f.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });
}

/** Scores, their explanation and provenance for the selected scan's assessment. */
export function RiskPanel({ assessment: a, next = null, patientId, canAct = false, hasScans = true, history, scanLabel, saliencyVisible, onSaliencyVisible, saliencyOpacity, onSaliencyOpacity, saliencyState }: Props) {
  const t = useTranslations("risk");
  const locale = useLocale();
  const when = useWhen();
  const notices = a && a.status === "done" ? localizedNotices(a, locale) : [];
  return (
    <section className="panel risk-panel" aria-labelledby="h-risk" data-testid="risk-panel">
      <h2 id="h-risk">{t("heading")}</h2>
      <ResearchLabel modelName={a?.modelName} modelVersion={a?.modelVersion} />
      {a?.scanIdentityFlag && (
        <p className="identity-flag-line" role="note" data-testid="risk-identity-flag">
          {t("identityFlagUsed", { flag: t(`identityFlag.${a.scanIdentityFlag}`) })}
        </p>
      )}
      {a?.status === "done" && a.recordChanged && <RecordChangedNotice a={a} next={next} patientId={patientId} canAct={canAct} />}
      {a?.status === "done" && !a.recordChanged && next && (
        <p role="status" className="notice" data-testid="risk-next">
          {next.status === "running" ? t("nextRunning") : t("nextQueued")}
        </p>
      )}
      {!a ? (
        <>
          <p className="muted">{scanLabel ? t("noneForScan", { scan: scanLabel }) : t("noneYet")}</p>
          {!hasScans && canAct && <ScoreRecordOnly patientId={patientId} />}
        </>
      ) : a.status === "queued" || a.status === "running" ? (
        <p role="status" className="notice">{a.status === "queued" ? t("queued") : t("running")}</p>
      ) : a.status === "failed" ? (
        <p role="alert" className="error-box">{t("failed", { reason: a.error ?? t("noReason") })}</p>
      ) : a.resultError ? (
        <p role="alert" className="error-box" data-testid="risk-unreadable">{t("unreadable", { detail: a.resultError })}</p>
      ) : (
        <>
          <p className="muted small" data-testid="risk-provenance">
            {a.scanId === null && (
              <span className="record-only-badge" data-testid="record-only-badge" title={t("recordOnlyTitle")}>
                {t("recordOnly")}
              </span>
            )}{" "}
            {scanLabel && a.scanId ? `${scanLabel} · ` : ""}
            <time dateTime={a.completedAt ?? a.createdAt} suppressHydrationWarning>{when(a.completedAt ?? a.createdAt)}</time> · {isStrategy(a.strategy) ? t(`strategy.${a.strategy}`) : a.strategy} ·{" "}
            <a href={`/models/${encodeURIComponent(a.modelName)}/${encodeURIComponent(a.modelVersion)}`}>{a.modelName} {a.modelVersion}</a>
          </p>
          {notices.length > 0 && (
            <div className={notices.some((n) => n.severity === "caution") ? "notice caution" : "notice"} data-testid="risk-notices">
              <strong>{t("readWithCare")}</strong>
              <ul>
                {notices.map((n) => (
                  <li key={n.flag} data-flag={n.flag}>{n.text}</li>
                ))}
              </ul>
            </div>
          )}
          <ul className="heads" aria-label={t("perOutcome")}>
            {a.scores.map((s) => (
              <li key={s.head} data-testid={`head-${s.head}`}>
                <div className="head-label">{localizeOutcomeLabel(s.label, locale)}</div>
                <div className="head-value">
                  <strong className="prob">{formatPct(s.probability)}</strong>
                  {s.interval && (
                    <span className="muted">
                      {" "}{t("uncertainty", { lo: formatPct(s.interval[0]), hi: formatPct(s.interval[1]) })}
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
                    {t("categories", { moderate: formatPct(s.categories.moderateFrom), high: formatPct(s.categories.highFrom) })}
                  </div>
                )}
              </li>
            ))}
          </ul>
          <p className="muted small" data-testid="uncertainty-method">
            <strong>{t("uncertaintyHead")}</strong> {t("uncertaintyText")}
            {a.intervalMethod ? t("method", { method: localizeIntervalMethod(a.intervalMethod, locale) }) : null}
          </p>
          <OutcomeExplanation a={a} />
          <h3>{t("saliencyHeading")}</h3>
          {a.hasSaliency ? (
            <div className="saliency-controls">
              <label className="switch">
                <input type="checkbox" checked={saliencyVisible} onChange={(e) => onSaliencyVisible(e.target.checked)} data-testid="saliency-toggle" />
                {t("showSaliency")} <span className="muted">(S)</span>
              </label>
              <label className="opacity">
                {t("opacity")}
                <input type="range" min={0.1} max={1} step={0.05} value={saliencyOpacity} onChange={(e) => onSaliencyOpacity(Number(e.target.value))} disabled={!saliencyVisible} aria-valuetext={`${Math.round(saliencyOpacity * 100)}%`} data-testid="saliency-opacity" />
              </label>
              {saliencyState === "loading" && <span className="muted" role="status">{t("loadingMap")}</span>}
              {saliencyState === "error" && <span className="error-text" role="alert">{t("mapError")}</span>}
            </div>
          ) : (
            <p className="muted small">{a.scanId ? t("noSaliency") : t("noSaliencyNoImage")}</p>
          )}
          <AssessmentNarrative assessment={a} />
        </>
      )}
      {a && a.status !== "queued" && a.status !== "running" && canAct && <EnteredInErrorAction key={a.id} kind="assessment" id={a.id} label={t("thisAssessment")} />}
      {history.some((h) => h.status === "done" && h.scores.length) && (
        <>
          <h3>{t("history")}</h3>
          <AssessmentHistoryChart history={history} />
        </>
      )}
    </section>
  );
}

/** The flags in the interface language (lib/domain/assessment-flags.ts owns the words); the server's text for any it did not describe. */
function localizedNotices(a: AssessmentView, locale: ReturnType<typeof useLocale>): AssessmentView["notices"] {
  if (locale === "en") return a.notices;
  return a.notices.map((n) => describeAssessmentFlags([n.flag], a.imageCheck, a.inputsOutsideTraining, locale)[0] ?? n);
}

/** "The record changed since this score" — what changed, and the re-assessment that will replace it. */
function RecordChangedNotice({ a, next, patientId, canAct }: { a: AssessmentView; next: AssessmentView | null; patientId: string; canAct: boolean }) {
  const t = useTranslations("risk.changed");
  const tp = useTranslations("risk.parts");
  const when = useWhen();
  const c = a.recordChanged!;
  const parts = c.parts.map((p) => tp(p)).join(", ") || t("theRecord");
  return (
    <div className="record-changed" role="status" data-testid="record-changed">
      <strong>{t("head")}</strong> {parts}{" "}
      {t.rich("detail", { changes: c.changes, time: () => <time dateTime={c.lastChangedAt} suppressHydrationWarning>{when(c.lastChangedAt)}</time> })}
      <div className="muted small" data-testid="record-changed-next">
        {next
          ? next.status === "running"
            ? t("running")
            : next.scheduledFor
              ? t.rich("scheduled", { time: () => <time dateTime={next.scheduledFor!} suppressHydrationWarning>{when(next.scheduledFor!)}</time> })
              : t("queued")
          : t("none")}
      </div>
      {canAct && <ReassessNow patientId={patientId} scanId={a.scanId} label={next ? t("reassessNow") : t("reassess")} />}
    </div>
  );
}

function ReassessNow({ patientId, scanId, label }: { patientId: string; scanId: string | null; label: string }) {
  const router = useRouter();
  const apiError = useApiError();
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
          } else setState({ error: apiError({ error: r }, r.status) });
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
  const t = useTranslations("risk");
  return (
    <p data-testid="score-record-only">
      {t("noScans")} <ReassessNow patientId={patientId} scanId={null} label={t("scoreRecordOnly")} />
      <br />
      <span className="muted small">{t("scoreRecordOnlyHint")}</span>
    </p>
  );
}

/** One outcome's explanation at a time: the clinician picks the outcome; contributions and factors are that outcome's. */
function OutcomeExplanation({ a }: { a: AssessmentView }) {
  const [picked, setPicked] = useState<{ id: string; head: string } | null>(null);
  const t = useTranslations("risk");
  const locale = useLocale();
  if (!a.explanations.length) return null;
  const fallback = a.explanations.find((e) => e.head === a.explainedHead) ?? a.explanations[0];
  const head = picked?.id === a.id ? picked.head : fallback.head;
  const e = a.explanations.find((x) => x.head === head) ?? fallback;
  const against = e.factors.filter((f) => f.againstClinicalKnowledge);
  return (
    <section className="outcome-explanation" aria-labelledby="h-explain" data-testid="outcome-explanation" data-head={e.head}>
      <h3 id="h-explain">{t("why")}</h3>
      {a.explanations.length > 1 && (
        <fieldset className="outcome-switch" data-testid="explain-switch">
          <legend className="small">{t("explainOutcome")}</legend>
          {a.explanations.map((x) => (
            <label key={x.head} className="switch">
              <input type="radio" name={`explain-${a.id}`} value={x.head} checked={x.head === e.head} onChange={() => setPicked({ id: a.id, head: x.head })} data-testid={`explain-${x.head}`} />
              {localizeOutcomeLabel(x.label, locale)}
            </label>
          ))}
        </fieldset>
      )}
      {e.modalityContributions.length > 0 && (
        <>
          <h4>{t("restsOn")} <span className="muted small">· {localizeOutcomeLabel(e.label, locale)}</span></h4>
          <div className="contrib-bar" role="img" aria-label={e.modalityContributions.map((m) => `${t(`modality.${m.modality}`)} ${Math.round(m.share * 100)}%`).join(", ")} data-testid="contrib-bar">
            {e.modalityContributions.map((m, i) => (
              <span key={m.modality} className={`contrib c${i % 5}`} style={{ width: `${m.share * 100}%` }} />
            ))}
          </div>
          <ul className="contrib-legend" data-testid="contrib-legend">
            {e.modalityContributions.map((m, i) => (
              <li key={m.modality}><span className={`swatch c${i % 5}`} aria-hidden="true" />{t(`modality.${m.modality}`)} {Math.round(m.share * 100)}%{m.direction === "lowers" ? t("lowers") : ""}</li>
            ))}
          </ul>
        </>
      )}
      {e.factors.length > 0 && (
        <>
          <h4>{t("topFactors")} <span className="muted small">· {localizeOutcomeLabel(e.label, locale)}</span></h4>
          <ul className="factors" data-testid="factors">
            {e.factors.map((f) => (
              <li key={f.text} data-against={f.againstClinicalKnowledge ? "1" : undefined}>
                <span className={`dir ${f.direction}`} aria-hidden="true">{f.direction === "raises" ? "▲" : "▼"}</span>
                <span>
                  {localizeFactor(f.text, locale)} — <em>{t(`direction.${f.direction}`)}</em>
                  {f.againstClinicalKnowledge && <span className="muted"> *</span>}
                </span>
              </li>
            ))}
          </ul>
          {against.length > 0 && (
            <p className="notice small" data-testid="against-clinical-knowledge">
              * {against.map((f) => t(`expected.${f.clinicalDirection === "lowers" ? "lowers" : "raises"}`, { factor: localizeFactor(f.text, locale) })).join("; ")}
              {t("against")}
            </p>
          )}
        </>
      )}
    </section>
  );
}
