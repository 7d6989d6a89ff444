"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { useApiError } from "@/app/_components/useApiError";

type Answer = { mfaRequired?: boolean; mfaToken?: string; mfaEnrolmentRequired?: boolean; error?: { code?: string; message?: string } };

const field = { display: "grid", gap: "0.25rem" } as const;

/**
 * Username + password, then — for a user with two-factor authentication — the code from the
 * authenticator app (or a recovery code). Submits with fetch (JSON) and shows errors in place;
 * without script the same forms post to /api/auth/login and /api/auth/login/mfa, which answer with
 * redirects (the challenge then travels in an HttpOnly cookie).
 */
export function LoginForm({ next, initialError, initialStep = "password" }: { next: string; initialError: string | null; initialStep?: "password" | "mfa" }) {
  const t = useTranslations("login.form");
  const tc = useTranslations("common");
  const apiError = useApiError();
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  const [step, setStep] = useState<"password" | "mfa">(initialStep);
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [recovery, setRecovery] = useState(false);

  async function send(url: string, body: unknown): Promise<Answer | null> {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" });
      const b = (await res.json().catch(() => null)) as Answer | null;
      if (res.ok && b) return b;
      if (b?.error && res.status === 401 && url.endsWith("/mfa") && (b.error.code === "mfa_challenge_expired" || /expired|again/i.test(b.error.message ?? ""))) {
        setStep("password");
        setMfaToken(null);
      }
      setError(b?.error ? apiError(b, res.status) : t("failed", { status: res.status }));
    } catch {
      setError(tc("unreachable"));
    } finally {
      setBusy(false);
    }
    return null;
  }

  function done(b: Answer) {
    window.location.assign(b.mfaEnrolmentRequired ? "/account/mfa" : next);
  }

  async function onPassword(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const b = await send("/api/auth/login", { username: form.get("username"), password: form.get("password") });
    if (!b) return;
    if (b.mfaRequired) {
      setMfaToken(b.mfaToken ?? null);
      setStep("mfa");
      return;
    }
    done(b);
  }

  async function onCode(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const body = recovery ? { recoveryCode: form.get("recoveryCode") } : { code: form.get("code") };
    const b = await send("/api/auth/login/mfa", { ...body, ...(mfaToken ? { mfaToken } : {}) });
    if (b) done(b);
  }

  const problem = error && (
    <p className="error-box" role="alert" style={{ margin: 0 }}>
      {error}
    </p>
  );

  if (step === "mfa")
    return (
      <form method="post" action="/api/auth/login/mfa" onSubmit={onCode} style={{ display: "grid", gap: "0.8rem" }}>
        <input type="hidden" name="next" value={next} />
        {recovery ? (
          <label style={field}>
            {t("recoveryCode")}
            <input name="recoveryCode" autoComplete="off" autoCapitalize="none" spellCheck={false} required autoFocus style={{ padding: "0.5rem" }} />
          </label>
        ) : (
          <label style={field}>
            {t("authCode")}
            <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required autoFocus style={{ padding: "0.5rem" }} />
          </label>
        )}
        <span className="muted">
          {recovery ? t("recoveryHint") : t("codeHint")}{" "}
          <button type="button" className="secondary" onClick={() => setRecovery(!recovery)} style={{ padding: "0.1rem 0.5rem" }}>
            {recovery ? t("useAppCode") : t("useRecovery")}
          </button>
        </span>
        {problem}
        <button type="submit" disabled={busy}>
          {busy ? t("checking") : t("verify")}
        </button>
      </form>
    );

  return (
    <form method="post" action="/api/auth/login" onSubmit={onPassword} style={{ display: "grid", gap: "0.8rem" }}>
      <input type="hidden" name="next" value={next} />
      <label style={field}>
        {t("username")}
        <input name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} style={{ padding: "0.5rem" }} />
      </label>
      <label style={field}>
        {t("password")}
        <input name="password" type="password" autoComplete="current-password" required style={{ padding: "0.5rem" }} />
      </label>
      {problem}
      <button type="submit" disabled={busy}>
        {busy ? t("signingIn") : t("signIn")}
      </button>
    </form>
  );
}
