"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";

import { useState, type FormEvent } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";

type Row = { id: string; name: string; issuer: string; jwksUrl: string | null; inlineKeys: boolean; clientId: string | null; enabled: boolean };

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

type ApiError = (answer: { error?: { code?: string; message?: string } } | null, status: number) => string;

async function send(apiError: ApiError, method: string, url: string, body?: unknown): Promise<string | null> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  if (res.ok) return null;
  return apiError(await res.json().catch(() => null), res.status);
}

/** Add, enable / disable and remove trusted EHRs through /api/admin/ehrs. */
export function EhrAdmin({ ehrs }: { ehrs: Row[] }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const t = useTranslations("ehrs");
  const apiError = useApiError();

  async function run(p: Promise<string | null>) {
    setBusy(true);
    setError(null);
    const err = await p;
    setBusy(false);
    if (err) setError(err);
    else window.location.reload();
  }

  function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const text = (k: string) => String(f.get(k) ?? "").trim() || null;
    let jwks: unknown = null;
    const raw = text("jwks");
    if (raw) {
      try {
        jwks = JSON.parse(raw);
      } catch {
        setError(t("badJwks"));
        return;
      }
    }
    void run(send(apiError, "POST", "/api/admin/ehrs", { name: text("name") ?? "", issuer: text("issuer") ?? "", jwksUrl: text("jwksUrl"), jwks, clientId: text("clientId") }));
  }

  return (
    <>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table aria-label={t("table")}>
          <thead>
            <tr>
              <th>{t("name")}</th>
              <th>{t("issuer")}</th>
              <th>{t("keys")}</th>
              <th>{t("clientId")}</th>
              <th>{t("status")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {ehrs.map((e) => (
              <tr key={e.id}>
                <td>{e.name}</td>
                <td><code>{e.issuer}</code></td>
                <td>{e.jwksUrl ? <code>{e.jwksUrl}</code> : e.inlineKeys ? t("inline") : "—"}</td>
                <td>{e.clientId ?? <span className="muted">{t("any")}</span>}</td>
                <td>{e.enabled ? t("enabled") : t("disabled")}</td>
                <td>
                  <button type="button" disabled={busy} onClick={() => void run(send(apiError, "PATCH", `/api/admin/ehrs/${e.id}`, { enabled: !e.enabled }))}>
                    {e.enabled ? t("disable") : t("enable")}
                  </button>{" "}
                  <button type="button" disabled={busy} onClick={() => void run(send(apiError, "DELETE", `/api/admin/ehrs/${e.id}`))}>
                    {t("remove")}
                  </button>
                </td>
              </tr>
            ))}
            {ehrs.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">{t("none")}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <form className="panel" onSubmit={create} aria-label={t("addForm")}>
        <h2>{t("add")}</h2>
        <label>{t("name")} <input name="name" required maxLength={120} /></label>
        <label>{t("issuerField")} <input name="issuer" required maxLength={500} /></label>
        <label>{t("jwksUrl")} <input name="jwksUrl" type="url" placeholder="https://ehr.example.org/.well-known/jwks.json" /></label>
        <label>{t("jwks")} <textarea name="jwks" rows={3} placeholder='{"keys":[…]}' /></label>
        <label>{t("clientIdField")} <input name="clientId" maxLength={200} /></label>
        <button type="submit" disabled={busy}>{t("submit")}</button>
      </form>
    </>
  );
}
