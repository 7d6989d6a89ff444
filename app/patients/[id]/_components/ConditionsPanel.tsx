"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { ConditionCreate, ConditionUpdate, codeSystemValues, conditionStatusValues, type Condition } from "@/lib/domain";
import { api } from "./api";
import { Field } from "./Field";
import { strOrNull, useSchemaForm } from "./form-utils";

type Props = { patientId: string; conditions: Condition[]; onChanged: () => void };

const empty = { codeSystem: "ICD10", code: "", display: "", onsetDate: "", status: "active" };
const toInput = (v: Record<string, string>) => ({ codeSystem: v.codeSystem, code: v.code, display: v.display, onsetDate: strOrNull(v.onsetDate), status: v.status });

/** Medical history: a readable table, add and edit forms validated by lib/domain's schemas. */
export function ConditionsPanel({ patientId, conditions, onChanged }: Props) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const router = useRouter();
  const remove = async (c: Condition) => {
    if (!confirm(`Remove ${c.display} from the history?`)) return;
    const r = await api(`/api/patients/${patientId}/conditions/${c.id}`, { method: "DELETE" });
    if (r.ok) {
      router.refresh();
      onChanged();
    } else alert(r.message);
  };
  return (
    <section className="panel" aria-labelledby="h-history">
      <div className="panel-head">
        <h2 id="h-history">Medical history</h2>
        {!adding && <button type="button" className="secondary small" onClick={() => setAdding(true)}>Add condition</button>}
      </div>
      {adding && <ConditionForm patientId={patientId} onDone={(saved) => { setAdding(false); if (saved) onChanged(); }} />}
      <table data-testid="conditions-table">
        <thead><tr><th>Condition</th><th>Code</th><th>Onset</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {conditions.map((c) =>
            editing === c.id ? (
              <tr key={c.id}><td colSpan={5}><ConditionForm patientId={patientId} existing={c} onDone={(saved) => { setEditing(null); if (saved) onChanged(); }} /></td></tr>
            ) : (
              <tr key={c.id}>
                <td>{c.display}</td>
                <td>{c.codeSystem === "ICD10" ? "ICD-10" : "SNOMED"} {c.code}</td>
                <td>{c.onsetDate ?? "—"}</td>
                <td><span className={`badge ${c.status}`}>{c.status}</span></td>
                <td className="row-actions">
                  <button type="button" className="link" onClick={() => setEditing(c.id)} aria-label={`Edit ${c.display}`}>Edit</button>
                  <button type="button" className="link danger" onClick={() => remove(c)} aria-label={`Remove ${c.display}`}>Remove</button>
                </td>
              </tr>
            ),
          )}
          {!conditions.length && <tr><td colSpan={5} className="muted">No conditions recorded.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function ConditionForm({ patientId, existing, onDone }: { patientId: string; existing?: Condition; onDone: (saved: boolean) => void }) {
  const router = useRouter();
  const init = existing
    ? { codeSystem: existing.codeSystem, code: existing.code, display: existing.display, onsetDate: existing.onsetDate ?? "", status: existing.status }
    : empty;
  // edits are validated as a full record (same rules as create), then sent as a patch
  const f = useSchemaForm(ConditionCreate, init, toInput);
  const [busy, setBusy] = useState(false);
  const idp = existing ? `c-${existing.id.slice(0, 8)}` : "c-new";
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const input = f.validate();
    if (!input) return;
    setBusy(true);
    const r = existing
      ? await api(`/api/patients/${patientId}/conditions/${existing.id}`, { method: "PATCH", body: ConditionUpdate.parse(input) })
      : await api(`/api/patients/${patientId}/conditions`, { method: "POST", body: input });
    setBusy(false);
    if (!r.ok) return f.serverErrors(r.issues, r.message);
    router.refresh();
    onDone(true);
  };
  return (
    <form className="entry-form" onSubmit={submit} noValidate aria-label={existing ? `Edit ${existing.display}` : "Add condition"} data-testid="condition-form">
      <Field id={`${idp}-display`} label="Condition" error={f.errors.display}>
        {(a) => <input {...a} value={f.values.display} onChange={(e) => f.set("display", e.target.value)} placeholder="e.g. Type 2 diabetes" />}
      </Field>
      <Field id={`${idp}-system`} label="Code system" error={f.errors.codeSystem}>
        {(a) => (
          <select {...a} value={f.values.codeSystem} onChange={(e) => f.set("codeSystem", e.target.value)}>
            {codeSystemValues.map((s) => <option key={s} value={s}>{s === "ICD10" ? "ICD-10" : "SNOMED CT"}</option>)}
          </select>
        )}
      </Field>
      <Field id={`${idp}-code`} label="Code" error={f.errors.code} hint={f.values.codeSystem === "ICD10" ? "e.g. E11.9" : "concept id"}>
        {(a) => <input {...a} value={f.values.code} onChange={(e) => f.set("code", e.target.value)} className="short" />}
      </Field>
      <Field id={`${idp}-onset`} label="Onset" error={f.errors.onsetDate}>
        {(a) => <input {...a} type="date" value={f.values.onsetDate} onChange={(e) => f.set("onsetDate", e.target.value)} />}
      </Field>
      <Field id={`${idp}-status`} label="Status" error={f.errors.status}>
        {(a) => (
          <select {...a} value={f.values.status} onChange={(e) => f.set("status", e.target.value)}>
            {conditionStatusValues.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={busy}>{existing ? "Save changes" : "Add"}</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>Cancel</button>
      </div>
      {f.errors._form && <p className="field-error form-error" role="alert">{f.errors._form}</p>}
    </form>
  );
}
