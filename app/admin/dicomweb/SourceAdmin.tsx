"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";

import { useState, type FormEvent } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";
import type { DicomwebSourceView } from "@/lib/domain/dicomweb";

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

type ApiError = (answer: { error?: { code?: string; message?: string } } | null, status: number) => string;

async function send(apiError: ApiError, method: string, url: string, body?: unknown): Promise<{ ok: boolean; body: Record<string, unknown> | null; error: string | null }> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const b = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (res.ok) return { ok: true, body: b, error: null };
  const err = apiError(b as { error?: { code?: string; message?: string } } | null, res.status);
  return { ok: false, body: null, error: err };
}

/** Add, enable / disable, remove DICOMweb sources; issue or revoke push tokens (shown once). */
export function SourceAdmin({ sources }: { sources: DicomwebSourceView[] }) {
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState<{ name: string; token: string } | null>(null);
  const [auth, setAuth] = useState("none");
  const [busy, setBusy] = useState(false);
  const t = useTranslations("sources");
  const apiError = useApiError();

  async function act(method: string, url: string, body?: unknown, reload = true) {
    setBusy(true);
    setError(null);
    const r = await send(apiError, method, url, body);
    setBusy(false);
    if (!r.ok) setError(r.error);
    else if (reload) window.location.reload();
    return r;
  }

  function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = Object.fromEntries(new FormData(e.currentTarget)) as Record<string, string>;
    const body: Record<string, unknown> = { name: f.name, baseUrl: f.baseUrl, authType: f.authType, timeoutMs: Number(f.timeoutSeconds || 30) * 1000 };
    if (f.authType === "basic") body.username = f.username;
    if (f.authType !== "none") {
      if (f.secretEnv) body.secretEnv = f.secretEnv;
      else body.secret = f.secret;
    }
    void act("POST", "/api/admin/dicomweb-sources", body);
  }

  async function issueToken(s: DicomwebSourceView) {
    const r = await act("PATCH", `/api/admin/dicomweb-sources/${s.id}`, { pushToken: true }, false);
    if (r.ok && r.body?.pushToken) setToken({ name: s.name, token: String(r.body.pushToken) });
  }

  return (
    <>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      {token && (
        <div className="panel" role="status" data-testid="push-token">
          <p>
            {t.rich("tokenFor", { strong: (c) => <strong>{c}</strong>, code: (c) => <code>{c}</code>, name: token.name, header: "Authorization: Bearer …", orthanc: "DicomWeb.Servers.<name>.HttpHeaders" })}
          </p>
          <pre className="mono">{token.token}</pre>
          <button type="button" onClick={() => window.location.reload()}>{t("done")}</button>
        </div>
      )}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table>
          <thead>
            <tr>
              <th>{t("name")}</th>
              <th>{t("url")}</th>
              <th>{t("auth")}</th>
              <th>{t("timeout")}</th>
              <th>{t("status")}</th>
              <th>{t("push")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sources.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">{t("none")}</td>
              </tr>
            )}
            {sources.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td className="mono">{s.baseUrl}</td>
                <td>
                  {t(`authTypes.${s.authType as "none"}`)}
                  {s.username ? ` (${s.username})` : ""}
                  {s.secretEnv ? t("secretEnv", { env: s.secretEnv }) : s.hasSecret ? t("secretStored") : ""}
                </td>
                <td>{t("seconds", { count: Math.round(s.timeoutMs / 1000) })}</td>
                <td>{s.enabled ? t("enabled") : t("disabled")}</td>
                <td>{s.pushEnabled ? t("tokenIssued", { date: s.pushTokenCreatedAt?.slice(0, 10) ?? "" }) : t("noToken")}</td>
                <td>
                  <button type="button" disabled={busy} onClick={() => void issueToken(s)}>
                    {s.pushEnabled ? t("newToken") : t("issueToken")}
                  </button>{" "}
                  {s.pushEnabled && (
                    <button type="button" disabled={busy} onClick={() => void act("PATCH", `/api/admin/dicomweb-sources/${s.id}`, { pushToken: false })}>
                      {t("revoke")}
                    </button>
                  )}{" "}
                  <button type="button" disabled={busy} onClick={() => void act("PATCH", `/api/admin/dicomweb-sources/${s.id}`, { enabled: !s.enabled })}>
                    {s.enabled ? t("disable") : t("enable")}
                  </button>{" "}
                  <button type="button" disabled={busy} onClick={() => confirm(t("confirmRemove", { name: s.name })) && void act("DELETE", `/api/admin/dicomweb-sources/${s.id}`)}>
                    {t("remove")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="panel" onSubmit={create} aria-label={t("addForm")}>
        <h2>{t("add")}</h2>
        <label>
          {t("name")} <input name="name" required maxLength={64} />
        </label>{" "}
        <label>
          {t("url")} <input name="baseUrl" required type="url" placeholder="http://pacs.example.org:8042/dicom-web" size={40} />
        </label>{" "}
        <label>
          {t("auth")}{" "}
          <select name="authType" value={auth} onChange={(e) => setAuth(e.target.value)}>
            <option value="none">{t("authTypes.none")}</option>
            <option value="basic">{t("authTypes.basic")}</option>
            <option value="bearer">{t("authTypes.bearer")}</option>
          </select>
        </label>{" "}
        {auth === "basic" && (
          <label>
            {t("username")} <input name="username" required autoComplete="off" />
          </label>
        )}{" "}
        {auth !== "none" && (
          <>
            <label>
              {auth === "basic" ? t("password") : t("token")} <input name="secret" type="password" autoComplete="new-password" />
            </label>{" "}
            <label>
              {t("fromEnv")} <input name="secretEnv" placeholder="PACS_PASSWORD" pattern="[A-Z_][A-Z0-9_]*" />
            </label>
          </>
        )}{" "}
        <label>
          {t("timeoutField")} <input name="timeoutSeconds" type="number" min={1} max={600} defaultValue={30} />
        </label>{" "}
        <button type="submit" disabled={busy}>{t("submit")}</button>
      </form>
    </>
  );
}
