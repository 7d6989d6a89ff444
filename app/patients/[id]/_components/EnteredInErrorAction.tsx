"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
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
  const t = useTranslations("eie");
  const apiError = useApiError();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (reason: string) => {
    setBusy(true);
    setError(null);
    const r = await api(`/api/${kind === "scan" ? "scans" : "assessments"}/${id}/entered-in-error`, { method: "POST", body: { reason } });
    setBusy(false);
    if (!r.ok) return setError(r.issues[0] ? `${r.issues[0].path}: ${r.issues[0].message}` : apiError({ error: r }, r.status));
    setOpen(false);
    router.refresh();
  };
  return (
    <div className="eie" data-testid={`eie-${kind}`}>
      {!open ? (
        <button type="button" className="link danger" onClick={() => setOpen(true)} aria-haspopup="dialog">
          {kind === "scan" ? t("markScan", { label }) : t("markAssessment")}
        </button>
      ) : (
        <div className="notice caution" role="dialog" aria-label={kind === "scan" ? t("dialogScan") : t("dialogAssessment")}>
          <p style={{ margin: "0 0 0.3rem" }}>
            {kind === "scan" ? t("explainScan") : t("explainAssessment")}
          </p>
          <ReasonPrompt label={kind === "scan" ? t("whyScan") : t("whyAssessment")} confirmLabel={t("confirm")} onConfirm={submit} onCancel={() => setOpen(false)} busy={busy} error={error} testId={`eie-${kind}-form`} />
        </div>
      )}
    </div>
  );
}
