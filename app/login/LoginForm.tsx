"use client";

import { useState, type FormEvent } from "react";

/**
 * Username + password. Submits with fetch (JSON) and shows errors in place; without script the
 * same form posts to /api/auth/login, which answers with a redirect.
 */
export function LoginForm({ next, initialError }: { next: string; initialError: string | null }) {
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
        credentials: "same-origin",
      });
      if (res.ok) {
        window.location.assign(next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? `Sign-in failed (HTTP ${res.status}).`);
    } catch {
      setError("The server could not be reached. Check the connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form method="post" action="/api/auth/login" onSubmit={onSubmit} style={{ display: "grid", gap: "0.8rem" }}>
      <input type="hidden" name="next" value={next} />
      <label style={{ display: "grid", gap: "0.25rem" }}>
        Username
        <input name="username" autoComplete="username" required autoCapitalize="none" spellCheck={false} style={{ padding: "0.5rem" }} />
      </label>
      <label style={{ display: "grid", gap: "0.25rem" }}>
        Password
        <input name="password" type="password" autoComplete="current-password" required style={{ padding: "0.5rem" }} />
      </label>
      {error && (
        <p className="error-box" role="alert" style={{ margin: 0 }}>
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
