"use client";

import { useState, type FormEvent } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";

type Row = { id: string; username: string; displayName: string; role: string; disabled: boolean; locked: boolean; mfa: boolean; lastLoginAt: string | null };

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

async function send(method: string, url: string, body: unknown): Promise<string | null> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  if (res.ok) return null;
  const b = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return b?.error?.message ?? `HTTP ${res.status}`;
}

/** Create accounts; disable / enable, clear sign-in throttling, reset MFA, end sessions. Every change goes through /api/admin/users. */
export function UserAdmin({ users, selfId }: { users: Row[]; selfId: string }) {
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
    void run(send("POST", "/api/admin/users", Object.fromEntries(f)));
  }

  return (
    <>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table>
          <thead>
            <tr>
              <th>Username</th>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>MFA</th>
              <th>Last sign-in</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.username}</td>
                <td>{u.displayName}</td>
                <td>{u.role}</td>
                <td>{u.disabled ? "disabled" : u.locked ? "sign-in throttled" : "active"}</td>
                <td>{u.mfa ? "on" : u.role === "admin" ? "required, not set up" : "off"}</td>
                <td>{u.lastLoginAt?.replace("T", " ").slice(0, 16) ?? "never"}</td>
                <td style={{ display: "flex", gap: "0.4rem", flexWrap: "wrap" }}>
                  {u.id !== selfId && (
                    <button className="secondary" disabled={busy} onClick={() => run(send("PATCH", `/api/admin/users/${u.id}`, { disabled: !u.disabled }))}>
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                  )}
                  {u.locked && (
                    <button className="secondary" disabled={busy} onClick={() => run(send("PATCH", `/api/admin/users/${u.id}`, { unlock: true }))}>
                      Clear failed sign-ins
                    </button>
                  )}
                  {u.mfa && (
                    <button
                      className="secondary"
                      disabled={busy}
                      onClick={() => window.confirm(`Remove ${u.username}'s two-factor authentication? They will set it up again.`) && run(send("PATCH", `/api/admin/users/${u.id}`, { resetMfa: true }))}
                    >
                      Reset MFA
                    </button>
                  )}
                  <button className="secondary" disabled={busy} onClick={() => run(send("PATCH", `/api/admin/users/${u.id}`, { revokeSessions: true }))}>
                    End sessions
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="panel" onSubmit={create} aria-labelledby="new-user" style={{ display: "grid", gap: "0.6rem", maxWidth: "30rem" }}>
        <h2 id="new-user">New user</h2>
        <label>
          Username <input name="username" required autoComplete="off" />
        </label>
        <label>
          Display name <input name="displayName" required />
        </label>
        <label>
          Role{" "}
          <select name="role" defaultValue="clinician">
            <option value="clinician">clinician</option>
            <option value="researcher">researcher</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Initial password (at least 12 characters) <input name="password" type="password" required minLength={12} autoComplete="new-password" />
        </label>
        <button type="submit" disabled={busy}>
          Create user
        </button>
      </form>
    </>
  );
}
