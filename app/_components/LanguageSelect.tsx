"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";
import { LOCALE_NAMES, localeValues, type Locale } from "@/lib/domain/locale";
import { LOCALE_COOKIE } from "@/lib/i18n/negotiate";
import { useApiError } from "./useApiError";

function cookie(name: string): string {
  const m = document.cookie.split(/;\s*/).find((c) => c.startsWith(`${name}=`));
  return m ? decodeURIComponent(m.slice(name.length + 1)) : "";
}

/**
 * The interface language. Signed in: saved on the user (PATCH /api/auth/preferences, which also
 * sets the cookie); signed out (the sign-in page): the language cookie only. The page then
 * re-renders on the server in the new language.
 */
export function LanguageSelect({ signedIn }: { signedIn: boolean }) {
  const t = useTranslations("language");
  const locale = useLocale();
  const router = useRouter();
  const apiError = useApiError();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  async function choose(next: Locale) {
    setError(null);
    if (signedIn) {
      const res = await fetch("/api/auth/preferences", {
        method: "PATCH",
        headers: { "content-type": "application/json", [CSRF_HEADER]: cookie(CSRF_COOKIE) },
        credentials: "same-origin",
        body: JSON.stringify({ locale: next }),
      }).catch(() => null);
      if (!res?.ok) {
        setError(res ? apiError(await res.json().catch(() => null), res.status) : t("unreachable"));
        return;
      }
    } else {
      document.cookie = `${LOCALE_COOKIE}=${next}; Path=/; Max-Age=${365 * 24 * 3600}; SameSite=Lax${location.protocol === "https:" ? "; Secure" : ""}`;
    }
    startTransition(() => router.refresh());
  }

  return (
    <span style={{ display: "inline-flex", gap: "0.4rem", alignItems: "center" }}>
      <select value={locale} disabled={pending} aria-label={t("label")} onChange={(e) => void choose(e.target.value as Locale)} style={{ padding: "0.2rem 0.3rem" }}>
        {localeValues.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
