"use client";

import { useState, type FormEvent } from "react";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

export function PasswordForm() {
  const t = useTranslations("account.passwordForm");
  const apiError = useApiError();
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    if (f.get("newPassword") !== f.get("repeat")) {
      setMsg({ ok: false, text: t("differ") });
      // the field to fix gets the focus (a failed submit)
      form.querySelector<HTMLInputElement>('input[name="repeat"]')?.focus();
      return;
    }
    setBusy(true);
    setMsg(null);
    const res = await fetch("/api/auth/password", {
      method: "POST",
      headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
      body: JSON.stringify({ currentPassword: f.get("currentPassword"), newPassword: f.get("newPassword") }),
      credentials: "same-origin",
    }).catch(() => null);
    setBusy(false);
    if (res?.ok) {
      form.reset();
      const b = (await res.json()) as { revokedOtherSessions: number };
      setMsg({ ok: true, text: t("changed", { count: b.revokedOtherSessions }) });
    } else {
      const b = (await res?.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      setMsg({ ok: false, text: b?.error ? apiError(b, res?.status ?? 0) : t("failed") });
    }
  }

  return (
    <form onSubmit={onSubmit} style={{ display: "grid", gap: "0.6rem", maxWidth: "24rem" }}>
      <label style={{ display: "grid" }}>
        {t("current")} <input name="currentPassword" type="password" autoComplete="current-password" required />
      </label>
      <label style={{ display: "grid" }}>
        {t("new")} <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} />
      </label>
      <label style={{ display: "grid" }}>
        {t("repeat")} <input name="repeat" type="password" autoComplete="new-password" required minLength={12} />
      </label>
      {msg && (
        <p className={msg.ok ? "notice" : "error-box"} role={msg.ok ? "status" : "alert"} style={{ margin: 0 }}>
          {msg.text}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t("submit")}
      </button>
    </form>
  );
}
