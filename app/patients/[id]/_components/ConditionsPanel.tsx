"use client";
import { useTranslations } from "next-intl";
import { ConditionCreate, ConditionUpdate, codeSystemValues, conditionStatusValues, type Condition } from "@/lib/domain";
import { Field } from "./Field";
import { strOrNull } from "./form-utils";
import { EntryForm, RowActions, useEntryForm, useEntryRows } from "./entry-form";

type Props = { patientId: string; conditions: Condition[]; onChanged: () => void };

const empty = { codeSystem: "ICD10", code: "", display: "", onsetDate: "", status: "active" };
const toInput = (v: Record<string, string>) => ({ codeSystem: v.codeSystem, code: v.code, display: v.display, onsetDate: strOrNull(v.onsetDate), status: v.status });
const toForm = (c: Condition) => ({ codeSystem: c.codeSystem, code: c.code, display: c.display, onsetDate: c.onsetDate ?? "", status: c.status });

/** Medical history: a readable table, add and edit forms validated by lib/domain's schemas. */
export function ConditionsPanel({ patientId, conditions, onChanged }: Props) {
  const url = `/api/patients/${patientId}/conditions`;
  const t = useTranslations("conditions");
  const te = useTranslations("entries");
  const rows = useEntryRows<Condition>({ url, name: "condition", confirmRemove: (c) => t("confirmRemove", { name: c.display }), onChanged });
  return (
    <section className="panel" aria-labelledby="h-history">
      <div className="panel-head">
        <h2 id="h-history">{t("heading")}</h2>
        {!rows.adding && <button type="button" id={rows.ids.add} className="secondary small" onClick={rows.startAdd}>{t("add")}</button>}
      </div>
      {rows.adding && <ConditionForm url={url} idp={rows.ids.form()} onDone={rows.closeAdd} />}
      <table data-testid="conditions-table">
        <thead><tr><th>{t("condition")}</th><th>{te("code")}</th><th>{t("onset")}</th><th>{t("status")}</th><th><span className="sr-only">{te("actions")}</span></th></tr></thead>
        <tbody>
          {conditions.map((c) =>
            rows.editing === c.id ? (
              <tr key={c.id} className="editing-row"><td colSpan={5}><ConditionForm url={url} idp={rows.ids.form(c)} existing={c} onDone={rows.closeEdit} /></td></tr>
            ) : (
              <tr key={c.id}>
                <td>{c.display}</td>
                <td>{c.codeSystem === "ICD10" ? "ICD-10" : "SNOMED"} {c.code}</td>
                <td>{c.onsetDate ?? "—"}</td>
                <td><span className={`badge ${c.status}`}>{te(`conditionStatus.${c.status}`)}</span></td>
                <RowActions what={c.display} editId={rows.ids.edit(c.id)} onEdit={() => rows.startEdit(c)} onRemove={() => rows.remove(c)} />
              </tr>
            ),
          )}
          {!conditions.length && <tr><td colSpan={5} className="muted">{t("none")}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

function ConditionForm({ url, idp, existing, onDone }: { url: string; idp: string; existing?: Condition; onDone: (saved: boolean) => void }) {
  const f = useEntryForm({ url, create: ConditionCreate, update: ConditionUpdate, initial: existing ? toForm(existing) : empty, toInput, existing, onDone });
  const t = useTranslations("conditions");
  const te = useTranslations("entries");
  return (
    <EntryForm form={f} label={existing ? te("editWhat", { what: existing.display }) : t("add")} testId="condition-form">
      <Field id={`${idp}-display`} label={t("condition")} error={f.errors.display}>
        {(a) => <input {...a} value={f.values.display} onChange={(e) => f.set("display", e.target.value)} placeholder={t("placeholder")} />}
      </Field>
      <Field id={`${idp}-system`} label={te("codeSystem")} error={f.errors.codeSystem}>
        {(a) => (
          <select {...a} value={f.values.codeSystem} onChange={(e) => f.set("codeSystem", e.target.value)}>
            {codeSystemValues.map((s) => <option key={s} value={s}>{s === "ICD10" ? "ICD-10" : "SNOMED CT"}</option>)}
          </select>
        )}
      </Field>
      <Field id={`${idp}-code`} label={te("code")} error={f.errors.code} hint={f.values.codeSystem === "ICD10" ? t("codeHintIcd") : t("codeHintSnomed")}>
        {(a) => <input {...a} value={f.values.code} onChange={(e) => f.set("code", e.target.value)} className="short" />}
      </Field>
      <Field id={`${idp}-onset`} label={t("onset")} error={f.errors.onsetDate}>
        {(a) => <input {...a} type="date" value={f.values.onsetDate} onChange={(e) => f.set("onsetDate", e.target.value)} />}
      </Field>
      <Field id={`${idp}-status`} label={t("status")} error={f.errors.status}>
        {(a) => (
          <select {...a} value={f.values.status} onChange={(e) => f.set("status", e.target.value)}>
            {conditionStatusValues.map((s) => <option key={s} value={s}>{te(`conditionStatus.${s}`)}</option>)}
          </select>
        )}
      </Field>
    </EntryForm>
  );
}
