"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { useIssueText } from "@/app/_components/useIssueText";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ModelStatusChange, type ModelStatus } from "@/lib/domain";
import { api } from "@/app/patients/[id]/_components/api";

const ACTIONS: Record<ModelStatus, { action: ModelStatusChange["action"]; label: "shadow" | "activate" | "retire" | "rollback" | "reactivate" }[]> = {
  candidate: [{ action: "shadow", label: "shadow" }, { action: "activate", label: "activate" }, { action: "retire", label: "retire" }],
  shadow: [{ action: "activate", label: "activate" }, { action: "retire", label: "retire" }],
  active: [{ action: "rollback", label: "rollback" }],
  retired: [{ action: "activate", label: "reactivate" }],
};

/** An admin's registry step: the reason is typed first, every button sends it (audited). */
export function RegistryActions({ name, version, status }: { name: string; version: string; status: ModelStatus }) {
  const router = useRouter();
  const t = useTranslations("registry");
  const apiError = useApiError();
  const issueText = useIssueText();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (e: FormEvent, action: ModelStatusChange["action"]) => {
    e.preventDefault();
    const input = ModelStatusChange.safeParse({ action, reason });
    if (!input.success) return setError(issueText(input.error.issues[0]));
    setBusy(true);
    const r = await api(`/api/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/status`, { method: "POST", body: input.data });
    setBusy(false);
    if (!r.ok) return setError(apiError({ error: r }, r.status));
    setError(null);
    setReason("");
    router.refresh();
  };
  return (
    <form className="registry-actions" aria-label={t("form")} onSubmit={(e) => e.preventDefault()} noValidate>
      <div className={`field${error ? " has-error" : ""}`}>
        <label htmlFor="registry-reason">{t("reason")}</label>
        <textarea id="registry-reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} aria-invalid={!!error} aria-describedby={error ? "registry-reason-err" : undefined} />
        {error && <span id="registry-reason-err" className="field-error" role="alert">{error}</span>}
      </div>
      <div className="form-actions">
        {ACTIONS[status].map((a) => (
          <button key={a.action} type="submit" className={a.action === "retire" || a.action === "rollback" ? "secondary" : undefined} disabled={busy} onClick={(e) => act(e, a.action)}>{t(a.label)}</button>
        ))}
      </div>
    </form>
  );
}
