"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "./api";
import { ReasonPrompt } from "./ReasonPrompt";

/**
 * "Entered in error" for a scan or an assessment (issue 12): a reason is required; the scan (and
 * the scores made with it) then leaves the record's views — nothing is deleted, the audit trail
 * and the admin view keep it — and the patient is re-assessed.
 */
export function EnteredInErrorAction({ kind, id, label }: { kind: "scan" | "assessment"; id: string; label: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (reason: string) => {
    setBusy(true);
    setError(null);
    const r = await api(`/api/${kind === "scan" ? "scans" : "assessments"}/${id}/entered-in-error`, { method: "POST", body: { reason } });
    setBusy(false);
    if (!r.ok) return setError(r.issues[0] ? `${r.issues[0].path}: ${r.issues[0].message}` : r.message);
    setOpen(false);
    router.refresh();
  };
  const what = kind === "scan" ? "scan" : "assessment";
  return (
    <div className="eie" data-testid={`eie-${kind}`}>
      {!open ? (
        <button type="button" className="link danger" onClick={() => setOpen(true)} aria-haspopup="dialog">
          Mark {kind === "scan" ? label : "this assessment"} as entered in error…
        </button>
      ) : (
        <div className="notice caution" role="dialog" aria-label={`Mark this ${what} as entered in error`}>
          <p style={{ margin: "0 0 0.3rem" }}>
            {kind === "scan"
              ? "The scan and every score made with it leave this record's views, new assessments and research exports, and the patient is re-assessed without it. Nothing is deleted: the audit trail keeps it."
              : "This assessment's scores leave this record's views and research exports. Nothing is deleted: the audit trail keeps it."}
          </p>
          <ReasonPrompt label={`Why was this ${what} entered in error?`} confirmLabel="Mark as entered in error" onConfirm={submit} onCancel={() => setOpen(false)} busy={busy} error={error} testId={`eie-${kind}-form`} />
        </div>
      )}
    </div>
  );
}
