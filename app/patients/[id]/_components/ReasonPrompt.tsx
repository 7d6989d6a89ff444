"use client";
import { useTranslations } from "next-intl";
import { useIssueText } from "@/app/_components/useIssueText";
import { useId, useState } from "react";
import { clinicalReason } from "@/lib/domain/scan";

/**
 * A safety prompt that needs a typed reason (attach a file whose header does not name this patient;
 * enter a scan or an assessment in error). Cancel is the default action: it has the focus, and
 * Escape or Enter on it cancels. The confirm button stays disabled until the reason passes the
 * same schema the server checks with (lib/domain/scan.ts clinicalReason).
 */
export function ReasonPrompt({
  label,
  confirmLabel,
  onConfirm,
  onCancel,
  busy = false,
  error,
  testId,
}: {
  label: string;
  confirmLabel: string;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  busy?: boolean;
  error?: string | null;
  testId?: string;
}) {
  const t = useTranslations("reason");
  const issueText = useIssueText();
  const [reason, setReason] = useState("");
  const id = useId();
  const check = clinicalReason.safeParse(reason);
  const problem = reason.trim() && !check.success && check.error.issues[0] ? issueText(check.error.issues[0]) : null;
  return (
    <form
      className="reason-form"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        if (check.success && !busy) onConfirm(check.data);
      }}
      onKeyDown={(e) => e.key === "Escape" && onCancel()}
    >
      <label htmlFor={`${id}-reason`}>{label}</label>
      <textarea id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={!!problem} aria-describedby={problem ? `${id}-problem` : undefined} maxLength={500} />
      {problem && <span id={`${id}-problem`} className="field-error">{t("problem", { problem })}</span>}
      {error && <span className="error-text" role="alert">{error}</span>}
      <div className="eie-actions">
        {/* the default: focused first, so Enter or Space on arrival cancels */}
        <button type="button" className="secondary" autoFocus onClick={onCancel}>
          {t("cancel")}
        </button>
        <button type="submit" className="danger" disabled={!check.success || busy}>
          {confirmLabel}
        </button>
      </div>
    </form>
  );
}
