"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { OUTCOME_EVENT_LABELS, OutcomeCreate, OutcomeEnteredInError, outcomeEventValues, type Outcome, type PatientOutcomes } from "@/lib/domain";
import { Field } from "./Field";
import { api } from "./api";
import { EntryForm, useEntryForm } from "./entry-form";

const SOURCE_LABEL: Record<Outcome["source"], string> = { clinician: "clinician", import: "import", demo_seed: "demo seed" };
const eventLabel = (o: string) => OUTCOME_EVENT_LABELS[o as keyof typeof OUTCOME_EVENT_LABELS] ?? o;

/**
 * Observed outcomes (what model labels derive from, lib/outcomes/README.md): the list, an add form,
 * and "entered in error" with a reason — nothing is deleted. Shows the follow-up the labels use.
 */
export function OutcomesPanel({ patientId, data }: { patientId: string; data: PatientOutcomes }) {
  const url = `/api/patients/${patientId}/outcomes`;
  const [adding, setAdding] = useState(false);
  const [marking, setMarking] = useState<string | null>(null);
  const { until, lastActivity, end } = data.followUp;
  return (
    <section className="panel" aria-labelledby="h-outcomes">
      <div className="panel-head">
        <h2 id="h-outcomes">Observed outcomes</h2>
        {!adding && <button type="button" className="secondary small" onClick={() => setAdding(true)}>Record outcome</button>}
      </div>
      <p className="muted small" data-testid="follow-up">
        Follow-up ends {end ?? "—"} (recorded until {until ?? "not set"}; last record activity {lastActivity ?? "none"}). Model labels use these outcomes and this follow-up.
      </p>
      {adding && <OutcomeForm url={url} onDone={() => setAdding(false)} />}
      <table data-testid="outcomes-table">
        <thead><tr><th>Outcome</th><th>Date</th><th>Source</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {data.outcomes.map((o) => (
            <tr key={o.id} className={o.status === "entered_in_error" ? "entered-in-error" : undefined}>
              <td>{eventLabel(o.outcome)}</td>
              <td>{o.occurredOn}</td>
              <td>{SOURCE_LABEL[o.source]}</td>
              <td>
                {o.status === "recorded" ? <span className="badge resolved">recorded</span> : <span title={o.enteredInErrorReason ?? undefined}>entered in error: {o.enteredInErrorReason}</span>}
              </td>
              <td className="row-actions">
                {o.status === "recorded" &&
                  (marking === o.id ? (
                    <EnteredInErrorForm url={`${url}/${o.id}/entered-in-error`} what={`${eventLabel(o.outcome)} of ${o.occurredOn}`} onDone={() => setMarking(null)} />
                  ) : (
                    <button type="button" className="link danger" onClick={() => setMarking(o.id)} aria-label={`Mark ${eventLabel(o.outcome)} of ${o.occurredOn} entered in error`}>Entered in error…</button>
                  ))}
              </td>
            </tr>
          ))}
          {!data.outcomes.length && <tr><td colSpan={5} className="muted">No outcomes recorded.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function OutcomeForm({ url, onDone }: { url: string; onDone: () => void }) {
  const f = useEntryForm({ url, create: OutcomeCreate, update: OutcomeCreate, initial: { outcome: "lung_cancer", occurredOn: "" }, toInput: (v) => ({ outcome: v.outcome, occurredOn: v.occurredOn }), onDone });
  return (
    <EntryForm form={f} label="Record outcome" testId="outcome-form">
      <Field id="outcome-event" label="Outcome" error={f.errors.outcome}>
        {(a) => (
          <select {...a} value={f.values.outcome} onChange={(e) => f.set("outcome", e.target.value)}>
            {outcomeEventValues.map((o) => <option key={o} value={o}>{OUTCOME_EVENT_LABELS[o]}</option>)}
          </select>
        )}
      </Field>
      <Field id="outcome-date" label="Date" error={f.errors.occurredOn}>
        {(a) => <input {...a} type="date" value={f.values.occurredOn} onChange={(e) => f.set("occurredOn", e.target.value)} />}
      </Field>
    </EntryForm>
  );
}

function EnteredInErrorForm({ url, what, onDone }: { url: string; what: string; onDone: () => void }) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = OutcomeEnteredInError.safeParse({ reason });
    if (!parsed.success) return setError(parsed.error.issues[0].message);
    setBusy(true);
    const r = await api(url, { method: "POST", body: parsed.data });
    setBusy(false);
    if (!r.ok) return setError(r.message);
    router.refresh();
    onDone();
  };
  return (
    <form onSubmit={submit} aria-label={`Mark ${what} entered in error`} className="inline-form" noValidate>
      <Field id="outcome-error-reason" label="Reason" error={error ?? undefined}>
        {(a) => <input {...a} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />}
      </Field>
      <button type="submit" disabled={busy}>Mark entered in error</button>
      <button type="button" className="secondary" onClick={onDone}>Cancel</button>
    </form>
  );
}
