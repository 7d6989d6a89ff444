"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ModelStatusChange, type ModelStatus } from "@/lib/domain";
import { api } from "@/app/patients/[id]/_components/api";

const ACTIONS: Record<ModelStatus, { action: ModelStatusChange["action"]; label: string }[]> = {
  candidate: [{ action: "shadow", label: "Put in shadow" }, { action: "activate", label: "Promote to active" }, { action: "retire", label: "Retire" }],
  shadow: [{ action: "activate", label: "Promote to active" }, { action: "retire", label: "Retire" }],
  active: [{ action: "rollback", label: "Roll back to the previous version" }],
  retired: [{ action: "activate", label: "Re-activate" }],
};

/** An admin's registry step: the reason is typed first, every button sends it (audited). */
export function RegistryActions({ name, version, status }: { name: string; version: string; status: ModelStatus }) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (e: FormEvent, action: ModelStatusChange["action"]) => {
    e.preventDefault();
    const input = ModelStatusChange.safeParse({ action, reason });
    if (!input.success) return setError(input.error.issues[0].message);
    setBusy(true);
    const r = await api(`/api/models/${encodeURIComponent(name)}/${encodeURIComponent(version)}/status`, { method: "POST", body: input.data });
    setBusy(false);
    if (!r.ok) return setError(r.message);
    setError(null);
    setReason("");
    router.refresh();
  };
  return (
    <form className="registry-actions" aria-label="Registry decision" onSubmit={(e) => e.preventDefault()} noValidate>
      <div className={`field${error ? " has-error" : ""}`}>
        <label htmlFor="registry-reason">Reason (recorded in the audit trail)</label>
        <textarea id="registry-reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} aria-invalid={!!error} aria-describedby={error ? "registry-reason-err" : undefined} />
        {error && <span id="registry-reason-err" className="field-error" role="alert">{error}</span>}
      </div>
      <div className="form-actions">
        {ACTIONS[status].map((a) => (
          <button key={a.action} type="submit" className={a.action === "retire" || a.action === "rollback" ? "secondary" : undefined} disabled={busy} onClick={(e) => act(e, a.action)}>{a.label}</button>
        ))}
      </div>
    </form>
  );
}
