"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { useIssueText } from "@/app/_components/useIssueText";
// What the three record panels (medical history, family history, diet) share: the add/edit
// form's state and submit, its frame (actions, Escape, focus), and the rows' Edit/Remove actions.
// Each panel keeps only its fields and its table.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import type { z } from "zod";
import { api } from "./api";
import { issuesToErrors, useSchemaForm } from "./form-utils";
import { useFocusFirstInvalid } from "@/app/_components/useFocusFirstInvalid";

type Entry = { id: string };

/** The fields of `input` whose value differs from the stored entry (values in the API's shape). */
export function changedFields(input: Record<string, unknown>, stored: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && v !== stored[k]));
}

/**
 * Add or edit form of one entry. The form's strings are validated with the entry's create schema
 * (the one POST uses), so an edit must leave a complete, valid entry. An edit then sends only the
 * fields that changed, checked with the update schema the PATCH route uses; an edit that changes
 * nothing closes without a request (and without offering a re-run).
 */
export function useEntryForm<S extends z.ZodType>(opts: {
  /** the collection, e.g. /api/patients/{id}/diet */
  url: string;
  create: S;
  update: z.ZodType;
  initial: Record<string, string>;
  toInput: (v: Record<string, string>) => unknown;
  existing?: Entry;
  onDone: (saved: boolean) => void;
}) {
  const { url, update, existing, onDone } = opts;
  const router = useRouter();
  const f = useSchemaForm(opts.create, opts.initial, opts.toInput);
  const issueText = useIssueText();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = f.validate() as Record<string, unknown> | null;
    if (!input) return;
    let body: unknown = input;
    if (existing) {
      const patch = changedFields(input, existing as Record<string, unknown>);
      if (!Object.keys(patch).length) return onDone(false);
      const checked = update.safeParse(patch);
      if (!checked.success) return f.setErrors(issuesToErrors(checked.error.issues.map((i) => ({ path: i.path, message: issueText(i) }))));
      body = checked.data;
    }
    setBusy(true);
    const r = await api(existing ? `${url}/${existing.id}` : url, { method: existing ? "PATCH" : "POST", body });
    setBusy(false);
    if (!r.ok) return f.serverErrors(r.issues, r.message, r.code, r.status);
    router.refresh();
    onDone(true);
  };
  return { ...f, busy, submit, editing: !!existing, cancel: () => onDone(false) };
}

export type EntryFormState = ReturnType<typeof useEntryForm>;

/**
 * The form frame: its fields (children), Save/Add and Cancel, the form-level error. An edit form
 * says what it edits (it takes the row's place). Focus moves to the first field when it opens;
 * Escape cancels.
 */
export function EntryForm({ form, label, testId, children }: { form: EntryFormState; label: string; testId: string; children: ReactNode }) {
  const ref = useRef<HTMLFormElement>(null);
  const t = useTranslations("entries");
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>("input, select, textarea")?.focus();
  }, []);
  const focusInvalid = useFocusFirstInvalid(ref, form.errors);
  return (
    <form
      ref={ref}
      className={`entry-form${form.editing ? " editing" : ""}`}
      onSubmit={(e) => {
        focusInvalid();
        void form.submit(e);
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          form.cancel();
        }
      }}
      noValidate
      aria-label={label}
      data-testid={testId}
    >
      {form.editing && <p className="entry-form-title">{label}</p>}
      {children}
      <div className="form-actions">
        <button type="submit" disabled={form.busy}>{form.editing ? t("saveChanges") : t("add")}</button>
        <button type="button" className="secondary" onClick={form.cancel}>{t("cancel")}</button>
      </div>
      {form.errors._form && <p className="field-error form-error" role="alert">{form.errors._form}</p>}
    </form>
  );
}

/**
 * A panel's list state: the add form, the one row being edited, removal. Closing a form returns
 * the keyboard focus to the button that opened it; a saved change calls `onChanged` (the re-run offer).
 */
export function useEntryRows<T extends Entry>({ url, name, confirmRemove, onChanged }: {
  url: string;
  /** id prefix of this panel's controls, e.g. "family" */
  name: string;
  confirmRemove: (e: T) => string;
  onChanged: () => void;
}) {
  const router = useRouter();
  const apiError = useApiError();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const focusNext = useRef<string | null>(null);
  useEffect(() => {
    if (!focusNext.current) return;
    document.getElementById(focusNext.current)?.focus();
    focusNext.current = null;
  });
  const ids = {
    add: `${name}-add`,
    edit: (id: string) => `${name}-edit-${id}`,
    /** prefix of a form's field ids: one add form and one edit form may be open at once */
    form: (e?: T) => `${name}-${e ? e.id.slice(0, 8) : "new"}`,
  };
  const closed = (saved: boolean) => {
    if (saved) onChanged();
  };
  return {
    ids,
    adding,
    editing,
    startAdd: () => setAdding(true),
    startEdit: (e: T) => setEditing(e.id),
    closeAdd: (saved: boolean) => {
      setAdding(false);
      focusNext.current = ids.add;
      closed(saved);
    },
    closeEdit: (saved: boolean) => {
      if (editing) focusNext.current = ids.edit(editing);
      setEditing(null);
      closed(saved);
    },
    remove: async (e: T) => {
      if (!confirm(confirmRemove(e))) return;
      const r = await api(`${url}/${e.id}`, { method: "DELETE" });
      if (r.ok) {
        router.refresh();
        onChanged();
      } else alert(apiError({ error: r }, r.status));
    },
  };
}

/** A row's Edit and Remove buttons; `what` names the entry for screen readers. */
export function RowActions({ what, editId, onEdit, onRemove }: { what: string; editId: string; onEdit: () => void; onRemove: () => void }) {
  const t = useTranslations("entries");
  return (
    <td className="row-actions">
      <button type="button" id={editId} className="link" onClick={onEdit} aria-label={t("editWhat", { what })}>{t("edit")}</button>
      <button type="button" className="link danger" onClick={onRemove} aria-label={t("removeWhat", { what })}>{t("remove")}</button>
    </td>
  );
}
