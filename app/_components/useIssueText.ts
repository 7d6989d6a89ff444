"use client";

import { useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";

/** What a zod issue (client-side form check) or an API field issue carries. */
type Issue = { message: string; code?: string; minimum?: unknown; maximum?: unknown; origin?: string; input?: unknown };

/**
 * A field problem in the interface language. The schemas (lib/domain) write English messages,
 * shared with the API; in English those are shown, in another language a translation by the
 * issue's kind (too short, too long, required, future date …), never an empty field.
 */
export function useIssueText(): (issue: Issue) => string {
  const t = useTranslations("issues");
  const locale = useLocale();
  return useCallback(
    (i: Issue) => {
      if (locale === "en") return i.message;
      const n = (v: unknown) => (typeof v === "number" || typeof v === "bigint" ? Number(v) : 0);
      const numeric = i.origin === "number";
      if (i.code === "too_small") return n(i.minimum) <= 1 && !numeric ? t("required") : numeric ? t("too_small_number", { min: n(i.minimum) }) : t("too_small", { min: n(i.minimum) });
      if (i.code === "too_big") return numeric ? t("too_big_number", { max: n(i.maximum) }) : t("too_big", { max: n(i.maximum) });
      if (/future/i.test(i.message)) return t("future");
      if (/YYYY-MM-DD|date/i.test(i.message)) return t("date");
      if (i.code === "invalid_type" && i.input === undefined) return t("required");
      if (i.code === "invalid_type" || /number/i.test(i.message)) return t("number");
      return t("invalid");
    },
    [t, locale],
  );
}
