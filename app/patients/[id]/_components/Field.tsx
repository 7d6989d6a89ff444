import type { ReactNode } from "react";

/** A labelled control with its inline error, wired for screen readers (aria-invalid/-describedby). */
export function Field({ id, label, error, children, hint }: { id: string; label: string; error?: string; hint?: string; children: (a: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode }) {
  const describedBy = [error ? `${id}-err` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": !!error, "aria-describedby": describedBy })}
      {hint && <span id={`${id}-hint`} className="hint">{hint}</span>}
      {error && <span id={`${id}-err`} className="field-error" role="alert">{error}</span>}
    </div>
  );
}
