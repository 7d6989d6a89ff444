"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { DietRecordCreate, dietIntakes, dietMethodValues, todayIso, type DietIntakeKey, type DietRecord } from "@/lib/domain";
import { api } from "./api";
import { Field } from "./Field";
import { strOrNull, useSchemaForm } from "./form-utils";

const KEYS = Object.keys(dietIntakes) as DietIntakeKey[];
const METHOD: Record<string, string> = { recall_24h: "24-h recall", ffq: "Food-frequency questionnaire", food_diary: "Food diary" };
const toInput = (v: Record<string, string>) => ({
  recordedOn: v.recordedOn,
  method: v.method,
  ...Object.fromEntries(KEYS.map((k) => [k, v[k].trim() === "" ? undefined : Number(v[k])])),
  note: strOrNull(v.note ?? ""),
});

export function DietPanel({ patientId, records, onChanged }: { patientId: string; records: DietRecord[]; onChanged: () => void }) {
  const [adding, setAdding] = useState(false);
  const router = useRouter();
  const remove = async (d: DietRecord) => {
    if (!confirm(`Remove the diet record of ${d.recordedOn}?`)) return;
    const r = await api(`/api/patients/${patientId}/diet/${d.id}`, { method: "DELETE" });
    if (r.ok) { router.refresh(); onChanged(); } else alert(r.message);
  };
  return (
    <section className="panel" aria-labelledby="h-diet">
      <div className="panel-head">
        <h2 id="h-diet">Diet records</h2>
        {!adding && <button type="button" className="secondary small" onClick={() => setAdding(true)}>Add diet record</button>}
      </div>
      {adding && <DietForm patientId={patientId} last={records[0]} onDone={(s) => { setAdding(false); if (s) onChanged(); }} />}
      <div className="table-scroll">
        <table data-testid="diet-table">
          <thead>
            <tr>
              <th>Date</th><th>Method</th>
              {KEYS.map((k) => <th key={k} className="num">{dietIntakes[k].label}<br /><span className="unit">{dietIntakes[k].unit}</span></th>)}
              <th><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {records.map((d) => (
              <tr key={d.id}>
                <td>{d.recordedOn}</td>
                <td>{METHOD[d.method] ?? d.method}</td>
                {KEYS.map((k) => <td key={k} className="num">{d[k]}</td>)}
                <td className="row-actions"><button type="button" className="link danger" onClick={() => remove(d)} aria-label={`Remove diet record of ${d.recordedOn}`}>Remove</button></td>
              </tr>
            ))}
            {!records.length && <tr><td colSpan={3 + KEYS.length} className="muted">No diet records.</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DietForm({ patientId, last, onDone }: { patientId: string; last?: DietRecord; onDone: (saved: boolean) => void }) {
  const router = useRouter();
  const init: Record<string, string> = { recordedOn: todayIso(), method: "recall_24h", note: "", ...Object.fromEntries(KEYS.map((k) => [k, last ? String(last[k]) : ""])) };
  const f = useSchemaForm(DietRecordCreate, init, toInput);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const input = f.validate();
    if (!input) return;
    setBusy(true);
    const r = await api(`/api/patients/${patientId}/diet`, { method: "POST", body: input });
    setBusy(false);
    if (!r.ok) return f.serverErrors(r.issues, r.message);
    router.refresh();
    onDone(true);
  };
  return (
    <form className="entry-form" onSubmit={submit} noValidate aria-label="Add diet record" data-testid="diet-form">
      <Field id="diet-date" label="Date" error={f.errors.recordedOn}>
        {(a) => <input {...a} type="date" value={f.values.recordedOn} onChange={(e) => f.set("recordedOn", e.target.value)} />}
      </Field>
      <Field id="diet-method" label="Method" error={f.errors.method}>
        {(a) => <select {...a} value={f.values.method} onChange={(e) => f.set("method", e.target.value)}>{dietMethodValues.map((m) => <option key={m} value={m}>{METHOD[m]}</option>)}</select>}
      </Field>
      {KEYS.map((k) => (
        <Field key={k} id={`diet-${k}`} label={`${dietIntakes[k].label} (${dietIntakes[k].unit})`} error={f.errors[k]}>
          {(a) => <input {...a} inputMode="decimal" value={f.values[k]} onChange={(e) => f.set(k, e.target.value)} className="short" />}
        </Field>
      ))}
      <Field id="diet-note" label="Note" error={f.errors.note}>
        {(a) => <input {...a} value={f.values.note} onChange={(e) => f.set("note", e.target.value)} />}
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={busy}>Add</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>Cancel</button>
      </div>
      {f.errors._form && <p className="field-error form-error" role="alert">{f.errors._form}</p>}
    </form>
  );
}
