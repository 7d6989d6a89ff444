"use client";

import { useState, type FormEvent } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";
import type { DicomwebSourceView } from "@/lib/domain/dicomweb";

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

async function send(method: string, url: string, body?: unknown): Promise<{ ok: boolean; body: Record<string, unknown> | null; error: string | null }> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  const b = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (res.ok) return { ok: true, body: b, error: null };
  const err = (b as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
  return { ok: false, body: null, error: err };
}

/** Add, enable / disable, remove DICOMweb sources; issue or revoke push tokens (shown once). */
export function SourceAdmin({ sources }: { sources: DicomwebSourceView[] }) {
  const [error, setError] = useState<string | null>(null);
  const [token, setToken] = useState<{ name: string; token: string } | null>(null);
  const [auth, setAuth] = useState("none");
  const [busy, setBusy] = useState(false);

  async function act(method: string, url: string, body?: unknown, reload = true) {
    setBusy(true);
    setError(null);
    const r = await send(method, url, body);
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
            Push token for <strong>{token.name}</strong> — copy it now, it is not shown again. The archive sends it as{" "}
            <code>Authorization: Bearer …</code> (Orthanc: <code>DicomWeb.Servers.&lt;name&gt;.HttpHeaders</code>).
          </p>
          <pre className="mono">{token.token}</pre>
          <button type="button" onClick={() => window.location.reload()}>Done</button>
        </div>
      )}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>DICOMweb URL</th>
              <th>Authentication</th>
              <th>Timeout</th>
              <th>Status</th>
              <th>Push to this app</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sources.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">No source yet.</td>
              </tr>
            )}
            {sources.map((s) => (
              <tr key={s.id}>
                <td>{s.name}</td>
                <td className="mono">{s.baseUrl}</td>
                <td>
                  {s.authType}
                  {s.username ? ` (${s.username})` : ""}
                  {s.secretEnv ? `, secret from $${s.secretEnv}` : s.hasSecret ? ", secret stored encrypted" : ""}
                </td>
                <td>{Math.round(s.timeoutMs / 1000)} s</td>
                <td>{s.enabled ? "enabled" : "disabled"}</td>
                <td>{s.pushEnabled ? `token issued ${s.pushTokenCreatedAt?.slice(0, 10)}` : "no token"}</td>
                <td>
                  <button type="button" disabled={busy} onClick={() => void issueToken(s)}>
                    {s.pushEnabled ? "New push token" : "Issue push token"}
                  </button>{" "}
                  {s.pushEnabled && (
                    <button type="button" disabled={busy} onClick={() => void act("PATCH", `/api/admin/dicomweb-sources/${s.id}`, { pushToken: false })}>
                      Revoke token
                    </button>
                  )}{" "}
                  <button type="button" disabled={busy} onClick={() => void act("PATCH", `/api/admin/dicomweb-sources/${s.id}`, { enabled: !s.enabled })}>
                    {s.enabled ? "Disable" : "Enable"}
                  </button>{" "}
                  <button type="button" disabled={busy} onClick={() => confirm(`Remove ${s.name}?`) && void act("DELETE", `/api/admin/dicomweb-sources/${s.id}`)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="panel" onSubmit={create} aria-label="Add a DICOMweb source">
        <h2>Add a source</h2>
        <label>
          Name <input name="name" required maxLength={64} />
        </label>{" "}
        <label>
          DICOMweb URL <input name="baseUrl" required type="url" placeholder="http://pacs.example.org:8042/dicom-web" size={40} />
        </label>{" "}
        <label>
          Authentication{" "}
          <select name="authType" value={auth} onChange={(e) => setAuth(e.target.value)}>
            <option value="none">none</option>
            <option value="basic">basic (username, password)</option>
            <option value="bearer">bearer token</option>
          </select>
        </label>{" "}
        {auth === "basic" && (
          <label>
            Username <input name="username" required autoComplete="off" />
          </label>
        )}{" "}
        {auth !== "none" && (
          <>
            <label>
              {auth === "basic" ? "Password" : "Token"} <input name="secret" type="password" autoComplete="new-password" />
            </label>{" "}
            <label>
              or from the environment variable <input name="secretEnv" placeholder="PACS_PASSWORD" pattern="[A-Z_][A-Z0-9_]*" />
            </label>
          </>
        )}{" "}
        <label>
          Timeout (s) <input name="timeoutSeconds" type="number" min={1} max={600} defaultValue={30} />
        </label>{" "}
        <button type="submit" disabled={busy}>Add</button>
      </form>
    </>
  );
}
