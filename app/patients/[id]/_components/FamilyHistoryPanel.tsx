"use client";
import { FamilyHistoryCreate, FamilyHistoryUpdate, codeSystemValues, relationshipValues, type FamilyHistory } from "@/lib/domain";
import { Field } from "./Field";
import { numOrNull } from "./form-utils";
import { EntryForm, RowActions, useEntryForm, useEntryRows } from "./entry-form";

const empty = { relationship: "mother", codeSystem: "ICD10", code: "", display: "", ageAtOnset: "", deceased: "false" };
const toInput = (v: Record<string, string>) => ({
  relationship: v.relationship, codeSystem: v.codeSystem, code: v.code, display: v.display, ageAtOnset: numOrNull(v.ageAtOnset), deceased: v.deceased === "true",
});
const toForm = (f: FamilyHistory) => ({
  relationship: f.relationship, codeSystem: f.codeSystem, code: f.code, display: f.display, ageAtOnset: f.ageAtOnset === null ? "" : String(f.ageAtOnset), deceased: String(f.deceased),
});
const nameOf = (f: FamilyHistory) => `${f.display} of ${f.relationship}`;

export function FamilyHistoryPanel({ patientId, entries, onChanged }: { patientId: string; entries: FamilyHistory[]; onChanged: () => void }) {
  const url = `/api/patients/${patientId}/family-history`;
  const rows = useEntryRows<FamilyHistory>({ url, name: "family", confirmRemove: (f) => `Remove ${f.display} (${f.relationship})?`, onChanged });
  return (
    <section className="panel" aria-labelledby="h-family">
      <div className="panel-head">
        <h2 id="h-family">Family history</h2>
        {!rows.adding && <button type="button" id={rows.ids.add} className="secondary small" onClick={rows.startAdd}>Add relative&apos;s condition</button>}
      </div>
      {rows.adding && <FamilyForm url={url} idp={rows.ids.form()} onDone={rows.closeAdd} />}
      <table data-testid="family-table">
        <thead><tr><th>Relative</th><th>Condition</th><th className="num">Age at onset</th><th>Deceased</th><th><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {entries.map((f) =>
            rows.editing === f.id ? (
              <tr key={f.id} className="editing-row"><td colSpan={5}><FamilyForm url={url} idp={rows.ids.form(f)} existing={f} onDone={rows.closeEdit} /></td></tr>
            ) : (
              <tr key={f.id}>
                <td>{f.relationship}</td>
                <td>{f.display} <span className="muted">({f.code})</span></td>
                <td className="num">{f.ageAtOnset ?? "—"}</td>
                <td>{f.deceased ? "yes" : "no"}</td>
                <RowActions what={nameOf(f)} editId={rows.ids.edit(f.id)} onEdit={() => rows.startEdit(f)} onRemove={() => rows.remove(f)} />
              </tr>
            ),
          )}
          {!entries.length && <tr><td colSpan={5} className="muted">No family history recorded.</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function FamilyForm({ url, idp, existing, onDone }: { url: string; idp: string; existing?: FamilyHistory; onDone: (saved: boolean) => void }) {
  const f = useEntryForm({ url, create: FamilyHistoryCreate, update: FamilyHistoryUpdate, initial: existing ? toForm(existing) : empty, toInput, existing, onDone });
  return (
    <EntryForm form={f} label={existing ? `Edit ${nameOf(existing)}` : "Add family history"} testId="family-form">
      <Field id={`${idp}-rel`} label="Relative" error={f.errors.relationship}>
        {(a) => <select {...a} value={f.values.relationship} onChange={(e) => f.set("relationship", e.target.value)}>{relationshipValues.map((r) => <option key={r}>{r}</option>)}</select>}
      </Field>
      <Field id={`${idp}-display`} label="Condition" error={f.errors.display}>
        {(a) => <input {...a} value={f.values.display} onChange={(e) => f.set("display", e.target.value)} placeholder="e.g. Lung cancer" />}
      </Field>
      <Field id={`${idp}-system`} label="Code system" error={f.errors.codeSystem}>
        {(a) => <select {...a} value={f.values.codeSystem} onChange={(e) => f.set("codeSystem", e.target.value)}>{codeSystemValues.map((s) => <option key={s} value={s}>{s === "ICD10" ? "ICD-10" : "SNOMED CT"}</option>)}</select>}
      </Field>
      <Field id={`${idp}-code`} label="Code" error={f.errors.code}>
        {(a) => <input {...a} value={f.values.code} onChange={(e) => f.set("code", e.target.value)} className="short" />}
      </Field>
      <Field id={`${idp}-age`} label="Age at onset" error={f.errors.ageAtOnset}>
        {(a) => <input {...a} inputMode="numeric" value={f.values.ageAtOnset} onChange={(e) => f.set("ageAtOnset", e.target.value)} className="short" />}
      </Field>
      <Field id={`${idp}-deceased`} label="Deceased" error={f.errors.deceased}>
        {(a) => <select {...a} value={f.values.deceased} onChange={(e) => f.set("deceased", e.target.value)}><option value="false">no</option><option value="true">yes</option></select>}
      </Field>
    </EntryForm>
  );
}
