"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { FamilyHistoryCreate, codeSystemValues, relationshipValues, type FamilyHistory } from "@/lib/domain";
import { api } from "./api";
import { Field } from "./Field";
import { numOrNull, useSchemaForm } from "./form-utils";

const empty = { relationship: "mother", codeSystem: "ICD10", code: "", display: "", ageAtOnset: "", deceased: "false" };
const toInput = (v: Record<string, string>) => ({
  relationship: v.relationship, codeSystem: v.codeSystem, code: v.code, display: v.display, ageAtOnset: numOrNull(v.ageAtOnset), deceased: v.deceased === "true",
});

export function FamilyHistoryPanel({ patientId, entries, onChanged }: { patientId: string; entries: FamilyHistory[]; onChanged: () => void }) {
  const [adding, setAdding] = useState(false);
  const router = useRouter();
  const remove = async (f: FamilyHistory) => {
    if (!confirm(`Remove ${f.display} (${f.relationship})?`)) return;
    const r = await api(`/api/patients/${patientId}/family-history/${f.id}`, { method: "DELETE" });
    if (r.ok) { router.refresh(); onChanged(); } else alert(r.message);
  };
  return (
    <section className="panel" aria-labelledby="h-family">
      <div className="panel-head">
        <h2 id="h-family">Family history</h2>
        {!adding && <button type="button" className="secondary small" onClick={() => setAdding(true)}>Add relative's condition</button>}
      </div>
      {adding && <FamilyForm patientId={patientId} onDone={(s) => { setAdding(false); if (s) onChanged(); }} />}
      <table data-testid="family-table">
        <thead><tr><th>Relative</th><th>Condition</th><th className="num">Age at onset</th><th>Deceased</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {entries.map((f) => (
            <tr key={f.id}>
              <td>{f.relationship}</td>
              <td>{f.display} <span className="muted">({f.code})</span></td>
              <td className="num">{f.ageAtOnset ?? "—"}</td>
              <td>{f.deceased ? "yes" : "no"}</td>
              <td className="row-actions"><button type="button" className="link danger" onClick={() => remove(f)} aria-label={`Remove ${f.display} of ${f.relationship}`}>Remove</button></td>
            </tr>
          ))}
          {!entries.length && <tr><td colSpan={5} className="muted">No family history recorded.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function FamilyForm({ patientId, onDone }: { patientId: string; onDone: (saved: boolean) => void }) {
  const router = useRouter();
  const f = useSchemaForm(FamilyHistoryCreate, empty, toInput);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const input = f.validate();
    if (!input) return;
    setBusy(true);
    const r = await api(`/api/patients/${patientId}/family-history`, { method: "POST", body: input });
    setBusy(false);
    if (!r.ok) return f.serverErrors(r.issues, r.message);
    router.refresh();
    onDone(true);
  };
  return (
    <form className="entry-form" onSubmit={submit} noValidate aria-label="Add family history" data-testid="family-form">
      <Field id="fh-rel" label="Relative" error={f.errors.relationship}>
        {(a) => <select {...a} value={f.values.relationship} onChange={(e) => f.set("relationship", e.target.value)}>{relationshipValues.map((r) => <option key={r}>{r}</option>)}</select>}
      </Field>
      <Field id="fh-display" label="Condition" error={f.errors.display}>
        {(a) => <input {...a} value={f.values.display} onChange={(e) => f.set("display", e.target.value)} placeholder="e.g. Lung cancer" />}
      </Field>
      <Field id="fh-system" label="Code system" error={f.errors.codeSystem}>
        {(a) => <select {...a} value={f.values.codeSystem} onChange={(e) => f.set("codeSystem", e.target.value)}>{codeSystemValues.map((s) => <option key={s} value={s}>{s === "ICD10" ? "ICD-10" : "SNOMED CT"}</option>)}</select>}
      </Field>
      <Field id="fh-code" label="Code" error={f.errors.code}>
        {(a) => <input {...a} value={f.values.code} onChange={(e) => f.set("code", e.target.value)} className="short" />}
      </Field>
      <Field id="fh-age" label="Age at onset" error={f.errors.ageAtOnset}>
        {(a) => <input {...a} inputMode="numeric" value={f.values.ageAtOnset} onChange={(e) => f.set("ageAtOnset", e.target.value)} className="short" />}
      </Field>
      <Field id="fh-deceased" label="Deceased" error={f.errors.deceased}>
        {(a) => <select {...a} value={f.values.deceased} onChange={(e) => f.set("deceased", e.target.value)}><option value="false">no</option><option value="true">yes</option></select>}
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={busy}>Add</button>
        <button type="button" className="secondary" onClick={() => onDone(false)}>Cancel</button>
      </div>
      {f.errors._form && <p className="field-error form-error" role="alert">{f.errors._form}</p>}
    </form>
  );
}
