"use client";

import { useState, type FormEvent } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";

type Row = { id: string; name: string; issuer: string; jwksUrl: string | null; inlineKeys: boolean; clientId: string | null; enabled: boolean };

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

async function send(method: string, url: string, body?: unknown): Promise<string | null> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  if (res.ok) return null;
  const b = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return b?.error?.message ?? `HTTP ${res.status}`;
}

/** Add, enable / disable and remove trusted EHRs through /api/admin/ehrs. */
export function EhrAdmin({ ehrs }: { ehrs: Row[] }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

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
        setError("The JWKS is not valid JSON.");
        return;
      }
    }
    void run(send("POST", "/api/admin/ehrs", { name: text("name") ?? "", issuer: text("issuer") ?? "", jwksUrl: text("jwksUrl"), jwks, clientId: text("clientId") }));
  }

  return (
    <>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table aria-label="Trusted EHRs">
          <thead>
            <tr>
              <th>Name</th>
              <th>Issuer (iss)</th>
              <th>Keys</th>
              <th>Client id (sub)</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {ehrs.map((e) => (
              <tr key={e.id}>
                <td>{e.name}</td>
                <td><code>{e.issuer}</code></td>
                <td>{e.jwksUrl ? <code>{e.jwksUrl}</code> : e.inlineKeys ? "inline JWKS" : "—"}</td>
                <td>{e.clientId ?? <span className="muted">any</span>}</td>
                <td>{e.enabled ? "enabled" : "disabled"}</td>
                <td>
                  <button type="button" disabled={busy} onClick={() => void run(send("PATCH", `/api/admin/ehrs/${e.id}`, { enabled: !e.enabled }))}>
                    {e.enabled ? "Disable" : "Enable"}
                  </button>{" "}
                  <button type="button" disabled={busy} onClick={() => void run(send("DELETE", `/api/admin/ehrs/${e.id}`))}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
            {ehrs.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">No EHR is trusted yet: every CDS Hooks call is refused (401).</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <form className="panel" onSubmit={create} aria-label="Add a trusted EHR">
        <h2>Add an EHR</h2>
        <label>Name <input name="name" required maxLength={120} /></label>
        <label>Issuer (the JWT&apos;s iss) <input name="issuer" required maxLength={500} /></label>
        <label>JWKS URL <input name="jwksUrl" type="url" placeholder="https://ehr.example.org/.well-known/jwks.json" /></label>
        <label>or JWKS (JSON) <textarea name="jwks" rows={3} placeholder='{"keys":[…]}' /></label>
        <label>Client id (sub, optional) <input name="clientId" maxLength={200} /></label>
        <button type="submit" disabled={busy}>Add</button>
      </form>
    </>
  );
}
