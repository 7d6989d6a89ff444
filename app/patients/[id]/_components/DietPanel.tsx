"use client";
import { useTranslations } from "next-intl";
import { DietRecordCreate, DietRecordUpdate, dietIntakes, dietMethodValues, todayIso, type DietIntakeKey, type DietRecord } from "@/lib/domain";
import { Field } from "./Field";
import { strOrNull } from "./form-utils";
import { EntryForm, RowActions, useEntryForm, useEntryRows } from "./entry-form";

const KEYS = Object.keys(dietIntakes) as DietIntakeKey[];
const toInput = (v: Record<string, string>) => ({
  recordedOn: v.recordedOn,
  method: v.method,
  ...Object.fromEntries(KEYS.map((k) => [k, v[k].trim() === "" ? undefined : Number(v[k])])),
  note: strOrNull(v.note ?? ""),
});
const intakesOf = (d?: DietRecord) => Object.fromEntries(KEYS.map((k) => [k, d ? String(d[k]) : ""]));
/** A new record starts from today with the last record's intakes (diets change slowly); an edit from the record. */
const initialOf = (existing?: DietRecord, last?: DietRecord): Record<string, string> =>
  existing
    ? { recordedOn: existing.recordedOn, method: existing.method, note: existing.note ?? "", ...intakesOf(existing) }
    : { recordedOn: todayIso(), method: "recall_24h", note: "", ...intakesOf(last) };

export function DietPanel({ patientId, records, onChanged }: { patientId: string; records: DietRecord[]; onChanged: () => void }) {
  const url = `/api/patients/${patientId}/diet`;
  const t = useTranslations("diet");
  const te = useTranslations("entries");
  const rows = useEntryRows<DietRecord>({ url, name: "diet", confirmRemove: (d) => t("confirmRemove", { date: d.recordedOn }), onChanged });
  return (
    <section className="panel" aria-labelledby="h-diet">
      <div className="panel-head">
        <h2 id="h-diet">{t("heading")}</h2>
        {!rows.adding && <button type="button" id={rows.ids.add} className="secondary small" onClick={rows.startAdd}>{t("add")}</button>}
      </div>
      {rows.adding && <DietForm url={url} idp={rows.ids.form()} last={records[0]} onDone={rows.closeAdd} />}
      <div className="table-scroll">
        <table data-testid="diet-table">
          <thead>
            <tr>
              <th>{t("date")}</th><th>{t("method")}</th>
              {KEYS.map((k) => <th key={k} className="num">{t(`intakes.${k}`)}<br /><span className="unit">{t(`units.${dietIntakes[k].unit}`)}</span></th>)}
              <th><span className="sr-only">{te("actions")}</span></th>
            </tr>
          </thead>
          <tbody>
            {records.map((d) =>
              rows.editing === d.id ? (
                <tr key={d.id} className="editing-row"><td colSpan={3 + KEYS.length}><DietForm url={url} idp={rows.ids.form(d)} existing={d} onDone={rows.closeEdit} /></td></tr>
              ) : (
                <tr key={d.id}>
                  <td className="date">{d.recordedOn}</td>
                  <td>{t(`methods.${d.method}`)}</td>
                  {KEYS.map((k) => <td key={k} className="num">{d[k]}</td>)}
                  <RowActions what={t("recordOf", { date: d.recordedOn })} editId={rows.ids.edit(d.id)} onEdit={() => rows.startEdit(d)} onRemove={() => rows.remove(d)} />
                </tr>
              ),
            )}
            {!records.length && <tr><td colSpan={3 + KEYS.length} className="muted">{t("none")}</td></tr>}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function DietForm({ url, idp, existing, last, onDone }: { url: string; idp: string; existing?: DietRecord; last?: DietRecord; onDone: (saved: boolean) => void }) {
  const f = useEntryForm({ url, create: DietRecordCreate, update: DietRecordUpdate, initial: initialOf(existing, last), toInput, existing, onDone });
  const t = useTranslations("diet");
  return (
    <EntryForm form={f} label={existing ? t("editRecordOf", { date: existing.recordedOn }) : t("add")} testId="diet-form">
      <Field id={`${idp}-date`} label={t("date")} error={f.errors.recordedOn}>
        {(a) => <input {...a} type="date" value={f.values.recordedOn} onChange={(e) => f.set("recordedOn", e.target.value)} />}
      </Field>
      <Field id={`${idp}-method`} label={t("method")} error={f.errors.method}>
        {(a) => <select {...a} value={f.values.method} onChange={(e) => f.set("method", e.target.value)}>{dietMethodValues.map((m) => <option key={m} value={m}>{t(`methods.${m}`)}</option>)}</select>}
      </Field>
      {KEYS.map((k) => (
        <Field key={k} id={`${idp}-${k}`} label={`${t(`intakes.${k}`)} (${t(`units.${dietIntakes[k].unit}`)})`} error={f.errors[k]}>
          {(a) => <input {...a} inputMode="decimal" value={f.values[k]} onChange={(e) => f.set(k, e.target.value)} className="short" />}
        </Field>
      ))}
      <Field id={`${idp}-note`} label={t("note")} error={f.errors.note}>
        {(a) => <input {...a} value={f.values.note} onChange={(e) => f.set("note", e.target.value)} />}
      </Field>
    </EntryForm>
  );
}
