"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, type ReactNode } from "react";

/**
 * A modal dialog on the native <dialog> element: focus moves into it and is kept there, Escape
 * closes it (the browser's `cancel` event), and focus returns to whatever opened it. `open`
 * controls it; `onClose` is called however it closes (Escape, a Cancel button).
 */
export function Dialog({ open, title, onClose, children, testId }: { open: boolean; title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={testId ? `${testId}-title` : undefined}
      aria-label={testId ? undefined : title}
      data-testid={testId}
      onClose={() => {
        (opener.current as HTMLElement | null)?.focus?.();
        onClose();
      }}
    >
      {open && (
        <>
          <h2 id={testId ? `${testId}-title` : undefined}>{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** "Are you sure?" with the consequence spelled out; Escape or Cancel leaves everything as it was. */
export function ConfirmDialog({ open, title, children, confirmLabel, danger, onConfirm, onClose, testId }: {
  open: boolean; title: string; children: ReactNode; confirmLabel: string; danger?: boolean; onConfirm: () => void; onClose: () => void; testId?: string;
}) {
  const t = useTranslations("dialog");
  return (
    <Dialog open={open} title={title} onClose={onClose} testId={testId}>
      <div>{children}</div>
      <div className="form-actions dialog-actions">
        <button type="button" className="secondary" onClick={onClose} autoFocus>{t("cancel")}</button>
        <button type="button" className={danger ? "danger" : undefined} onClick={onConfirm}>{confirmLabel}</button>
      </div>
    </Dialog>
  );
}
