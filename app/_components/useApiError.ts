"use client";

import { useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";

/** What a failed API call may answer: the envelope of lib/http/errors.ts, or anything else. */
type Answer = { error?: { code?: string; message?: string } } | null | undefined;

/**
 * An API error in the interface language. The server writes its messages in English
 * (lib/http/errors.ts `{ error: { code, message } }`), often naming the field or the value at
 * fault: in English the server's own message is shown; in another language the translation of
 * its code (messages/<locale>.json → apiErrors), falling back to the server's message for a code
 * without one, and to a generic "the server answered N" when there is no message at all.
 */
export function useApiError(): (answer: Answer, status: number) => string {
  const t = useTranslations("apiErrors");
  const locale = useLocale();
  return useCallback(
    (answer: Answer, status: number) => {
      const code = answer?.error?.code;
      const message = answer?.error?.message;
      if (message && locale === "en") return message;
      if (code && t.has(code as never)) return t(code as never);
      return message ?? t("http", { status });
    },
    [t, locale],
  );
}
