"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { useIssueText } from "@/app/_components/useIssueText";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { OUTCOME_EVENT_LABELS, OutcomeCreate, OutcomeEnteredInError, outcomeEventValues, type PatientOutcomes } from "@/lib/domain";
import { Field } from "./Field";
import { api } from "./api";
import { EntryForm, useEntryForm } from "./entry-form";

function useEventLabel() {
  const t = useTranslations("outcomes.events");
  return (o: string) => (o in OUTCOME_EVENT_LABELS ? t(o as keyof typeof OUTCOME_EVENT_LABELS) : o);
}

/**
 * Observed outcomes (what model labels derive from, lib/outcomes/README.md): the list, an add form,
 * and "entered in error" with a reason — nothing is deleted. Shows the follow-up the labels use.
 */
export function OutcomesPanel({ patientId, data }: { patientId: string; data: PatientOutcomes }) {
  const url = `/api/patients/${patientId}/outcomes`;
  const [adding, setAdding] = useState(false);
  const [marking, setMarking] = useState<string | null>(null);
  const { until, lastActivity, end } = data.followUp;
  const t = useTranslations("outcomes");
  const te = useTranslations("entries");
  const eventLabel = useEventLabel();
  return (
    <section className="panel" aria-labelledby="h-outcomes">
      <div className="panel-head">
        <h2 id="h-outcomes">{t("heading")}</h2>
        {!adding && <button type="button" className="secondary small" onClick={() => setAdding(true)}>{t("record")}</button>}
      </div>
      <p className="muted small" data-testid="follow-up">
        {t("followUp", { end: end ?? "—", until: until ?? t("notSet"), last: lastActivity ?? t("none") })}
      </p>
      {adding && <OutcomeForm url={url} onDone={() => setAdding(false)} />}
      <table data-testid="outcomes-table">
        <thead><tr><th>{t("outcome")}</th><th>{t("date")}</th><th>{t("source")}</th><th>{t("status")}</th><th><span className="sr-only">{te("actions")}</span></th></tr></thead>
        <tbody>
          {data.outcomes.map((o) => (
            <tr key={o.id} className={o.status === "entered_in_error" ? "entered-in-error" : undefined}>
              <td>{eventLabel(o.outcome)}</td>
              <td>{o.occurredOn}</td>
              <td>{t(`sources.${o.source}`)}</td>
              <td>
                {o.status === "recorded" ? <span className="badge resolved">{t("recorded")}</span> : <span title={o.enteredInErrorReason ?? undefined}>{t("enteredInError", { reason: o.enteredInErrorReason ?? "" })}</span>}
              </td>
              <td className="row-actions">
                {o.status === "recorded" &&
                  (marking === o.id ? (
                    <EnteredInErrorForm url={`${url}/${o.id}/entered-in-error`} what={t("of", { event: eventLabel(o.outcome), date: o.occurredOn })} onDone={() => setMarking(null)} />
                  ) : (
                    <button type="button" className="link danger" onClick={() => setMarking(o.id)} aria-label={t("mark", { what: t("of", { event: eventLabel(o.outcome), date: o.occurredOn }) })}>{t("markButton")}</button>
                  ))}
              </td>
            </tr>
          ))}
          {!data.outcomes.length && <tr><td colSpan={5} className="muted">{t("noOutcomes")}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function OutcomeForm({ url, onDone }: { url: string; onDone: () => void }) {
  const f = useEntryForm({ url, create: OutcomeCreate, update: OutcomeCreate, initial: { outcome: "lung_cancer", occurredOn: "" }, toInput: (v) => ({ outcome: v.outcome, occurredOn: v.occurredOn }), onDone });
  const t = useTranslations("outcomes");
  const eventLabel = useEventLabel();
  return (
    <EntryForm form={f} label={t("record")} testId="outcome-form">
      <Field id="outcome-event" label={t("outcome")} error={f.errors.outcome}>
        {(a) => (
          <select {...a} value={f.values.outcome} onChange={(e) => f.set("outcome", e.target.value)}>
            {outcomeEventValues.map((o) => <option key={o} value={o}>{eventLabel(o)}</option>)}
          </select>
        )}
      </Field>
      <Field id="outcome-date" label={t("date")} error={f.errors.occurredOn}>
        {(a) => <input {...a} type="date" value={f.values.occurredOn} onChange={(e) => f.set("occurredOn", e.target.value)} />}
      </Field>
    </EntryForm>
  );
}

function EnteredInErrorForm({ url, what, onDone }: { url: string; what: string; onDone: () => void }) {
  const router = useRouter();
  const t = useTranslations("outcomes");
  const te = useTranslations("entries");
  const apiError = useApiError();
  const issueText = useIssueText();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = OutcomeEnteredInError.safeParse({ reason });
    if (!parsed.success) return setError(issueText(parsed.error.issues[0]));
    setBusy(true);
    const r = await api(url, { method: "POST", body: parsed.data });
    setBusy(false);
    if (!r.ok) return setError(apiError({ error: r }, r.status));
    router.refresh();
    onDone();
  };
  return (
    <form onSubmit={submit} aria-label={t("mark", { what })} className="inline-form" noValidate>
      <Field id="outcome-error-reason" label={t("reason")} error={error ?? undefined}>
        {(a) => <input {...a} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />}
      </Field>
      <button type="submit" disabled={busy}>{t("markSubmit")}</button>
      <button type="button" className="secondary" onClick={onDone}>{te("cancel")}</button>
    </form>
  );
}
