"use client";
import { useTranslations } from "next-intl";
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
function useNameOf() {
  const t = useTranslations("family");
  const te = useTranslations("entries");
  return (f: FamilyHistory) => t("nameOf", { name: f.display, relationship: te(`relationship.${f.relationship}`) });
}

export function FamilyHistoryPanel({ patientId, entries, onChanged }: { patientId: string; entries: FamilyHistory[]; onChanged: () => void }) {
  const url = `/api/patients/${patientId}/family-history`;
  const t = useTranslations("family");
  const te = useTranslations("entries");
  const tc = useTranslations("common");
  const nameOf = useNameOf();
  const rows = useEntryRows<FamilyHistory>({ url, name: "family", confirmRemove: (f) => t("confirmRemove", { name: f.display, relationship: te(`relationship.${f.relationship}`) }), onChanged });
  return (
    <section className="panel" aria-labelledby="h-family">
      <div className="panel-head">
        <h2 id="h-family">{t("heading")}</h2>
        {!rows.adding && <button type="button" id={rows.ids.add} className="secondary small" onClick={rows.startAdd}>{t("add")}</button>}
      </div>
      {rows.adding && <FamilyForm url={url} idp={rows.ids.form()} onDone={rows.closeAdd} />}
      <table data-testid="family-table">
        <thead><tr><th>{t("relative")}</th><th>{t("condition")}</th><th className="num">{t("ageAtOnset")}</th><th>{t("deceased")}</th><th><span className="sr-only">{te("actions")}</span></th></tr></thead>
        <tbody>
          {entries.map((f) =>
            rows.editing === f.id ? (
              <tr key={f.id} className="editing-row"><td colSpan={5}><FamilyForm url={url} idp={rows.ids.form(f)} existing={f} onDone={rows.closeEdit} /></td></tr>
            ) : (
              <tr key={f.id}>
                <td>{te(`relationship.${f.relationship}`)}</td>
                <td>{f.display} <span className="muted">({f.code})</span></td>
                <td className="num">{f.ageAtOnset ?? "—"}</td>
                <td>{f.deceased ? tc("yes") : tc("no")}</td>
                <RowActions what={nameOf(f)} editId={rows.ids.edit(f.id)} onEdit={() => rows.startEdit(f)} onRemove={() => rows.remove(f)} />
              </tr>
            ),
          )}
          {!entries.length && <tr><td colSpan={5} className="muted">{t("none")}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function FamilyForm({ url, idp, existing, onDone }: { url: string; idp: string; existing?: FamilyHistory; onDone: (saved: boolean) => void }) {
  const f = useEntryForm({ url, create: FamilyHistoryCreate, update: FamilyHistoryUpdate, initial: existing ? toForm(existing) : empty, toInput, existing, onDone });
  const t = useTranslations("family");
  const te = useTranslations("entries");
  const tc = useTranslations("common");
  const nameOf = useNameOf();
  return (
    <EntryForm form={f} label={existing ? te("editWhat", { what: nameOf(existing) }) : t("addForm")} testId="family-form">
      <Field id={`${idp}-rel`} label={t("relative")} error={f.errors.relationship}>
        {(a) => <select {...a} value={f.values.relationship} onChange={(e) => f.set("relationship", e.target.value)}>{relationshipValues.map((r) => <option key={r} value={r}>{te(`relationship.${r}`)}</option>)}</select>}
      </Field>
      <Field id={`${idp}-display`} label={t("condition")} error={f.errors.display}>
        {(a) => <input {...a} value={f.values.display} onChange={(e) => f.set("display", e.target.value)} placeholder={t("placeholder")} />}
      </Field>
      <Field id={`${idp}-system`} label={te("codeSystem")} error={f.errors.codeSystem}>
        {(a) => <select {...a} value={f.values.codeSystem} onChange={(e) => f.set("codeSystem", e.target.value)}>{codeSystemValues.map((s) => <option key={s} value={s}>{s === "ICD10" ? "ICD-10" : "SNOMED CT"}</option>)}</select>}
      </Field>
      <Field id={`${idp}-code`} label={te("code")} error={f.errors.code}>
        {(a) => <input {...a} value={f.values.code} onChange={(e) => f.set("code", e.target.value)} className="short" />}
      </Field>
      <Field id={`${idp}-age`} label={t("ageAtOnset")} error={f.errors.ageAtOnset}>
        {(a) => <input {...a} inputMode="numeric" value={f.values.ageAtOnset} onChange={(e) => f.set("ageAtOnset", e.target.value)} className="short" />}
      </Field>
      <Field id={`${idp}-deceased`} label={t("deceased")} error={f.errors.deceased}>
        {(a) => <select {...a} value={f.values.deceased} onChange={(e) => f.set("deceased", e.target.value)}><option value="false">{tc("no")}</option><option value="true">{tc("yes")}</option></select>}
      </Field>
    </EntryForm>
  );
}
