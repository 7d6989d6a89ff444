"use client";
import { useEffect, useRef, type RefObject } from "react";

/**
 * After a failed submit, moves the keyboard focus to the form's first invalid field (the first
 * `aria-invalid="true"` control in document order), so a keyboard or screen-reader user lands on
 * what needs fixing. Call the returned `arm()` when the form is submitted; the focus moves once
 * the errors (client validation or the server's answer) have been rendered.
 */
export function useFocusFirstInvalid(form: RefObject<HTMLElement | null>, errors: unknown): () => void {
  const armed = useRef(false);
  useEffect(() => {
    if (!armed.current) return;
    const first = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!first) return;
    armed.current = false;
    first.focus();
  }, [form, errors]);
  return () => {
    armed.current = true;
  };
}
