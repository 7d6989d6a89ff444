"use client";

import { useRef, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";
import { roleValues } from "@/lib/domain/enums";
import { ConfirmDialog, Dialog } from "@/app/_components/Dialog";
import { useFocusFirstInvalid } from "@/app/_components/useFocusFirstInvalid";

type Row = { id: string; username: string; displayName: string; role: string; disabled: boolean; locked: boolean; mfa: boolean; lastLoginAt: string | null };
type Answer = { ok: true; revokedSessions: number } | { ok: false; message: string; fields: Record<string, string> };

/** The password policy (lib/auth/password.ts checkPasswordPolicy) as users read it; the server enforces it. */
const POLICY = "At least 12 characters (a passphrase is best); not the username or the person's name; not a common password.";

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

async function send(method: string, url: string, body: unknown): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
    body: JSON.stringify(body),
    credentials: "same-origin",
  }).catch(() => null);
  if (!res) return { ok: false, message: "The server could not be reached.", fields: {} };
  const b = (await res.json().catch(() => null)) as { revokedSessions?: number; error?: { message?: string; details?: { issues?: { path: string; message: string }[] } } } | null;
  if (res.ok) return { ok: true, revokedSessions: b?.revokedSessions ?? 0 };
  const fields: Record<string, string> = {};
  for (const i of b?.error?.details?.issues ?? []) fields[i.path] ??= i.message;
  return { ok: false, message: b?.error?.message ?? `HTTP ${res.status}`, fields };
}

type Open = { kind: "rename" | "password" | "disable" | "mfa"; user: Row } | null;

/**
 * Create accounts; rename, change the role, reset the password (the password policy), disable
 * (asked first) / enable, clear sign-in throttling, reset MFA (asked first), end sessions. Every
 * change goes through /api/admin/users (lib/auth/user-admin.ts: one transaction and an audit row).
 */
export function UserAdmin({ users, selfId }: { users: Row[]; selfId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<Open>(null);

  /** Runs a change; on success says what happened and refreshes the table. */
  async function change(u: Row, body: Record<string, unknown>, what: string): Promise<Answer> {
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await send("PATCH", `/api/admin/users/${u.id}`, body);
    setBusy(false);
    if (r.ok) {
      setDone(`${what}${r.revokedSessions ? ` ${r.revokedSessions} session(s) of ${u.username} were ended.` : ""}`);
      router.refresh();
    } else if (!Object.keys(r.fields).length) setError(r.message);
    return r;
  }

  return (
    <>
      {error && <p className="error-box" role="alert">{error}</p>}
      {done && <p className="notice" role="status" data-testid="user-admin-status">{done}</p>}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table data-testid="users-table">
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
              <tr key={u.id} data-testid={`user-${u.username}`}>
                <td>{u.username}</td>
                <td>{u.displayName}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.username}`}
                    value={u.role}
                    disabled={busy || u.id === selfId}
                    title={u.id === selfId ? "You cannot change your own role; ask another admin." : undefined}
                    onChange={(e) => void change(u, { role: e.target.value }, `${u.username} is now a ${e.target.value}.`)}
                  >
                    {roleValues.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                </td>
                <td>{u.disabled ? "disabled" : u.locked ? "sign-in throttled" : "active"}</td>
                <td>{u.mfa ? "on" : u.role === "admin" ? "required, not set up" : "off"}</td>
                <td>{u.lastLoginAt?.replace("T", " ").slice(0, 16) ?? "never"}</td>
                <td style={{ display: "flex", gap: "0.4rem", flexWrap: "wrap" }}>
                  <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "rename", user: u })}>Rename</button>
                  <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "password", user: u })}>Reset password</button>
                  {u.id !== selfId &&
                    (u.disabled ? (
                      <button type="button" className="secondary small" disabled={busy} onClick={() => void change(u, { disabled: false }, `${u.username} is enabled again.`)}>Enable</button>
                    ) : (
                      <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "disable", user: u })}>Disable</button>
                    ))}
                  {u.locked && (
                    <button type="button" className="secondary small" disabled={busy} onClick={() => void change(u, { unlock: true }, `Failed sign-ins of ${u.username} cleared.`)}>Clear failed sign-ins</button>
                  )}
                  {u.mfa && (
                    <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "mfa", user: u })}>Reset MFA</button>
                  )}
                  <button type="button" className="secondary small" disabled={busy} onClick={() => void change(u, { revokeSessions: true }, `Sessions of ${u.username} ended.`)}>End sessions</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ConfirmDialog
        open={open?.kind === "disable"}
        title={`Disable ${open?.user.username ?? ""}?`}
        confirmLabel="Disable account"
        danger
        testId="confirm-disable"
        onClose={() => setOpen(null)}
        onConfirm={() => {
          const u = open!.user;
          setOpen(null);
          void change(u, { disabled: true }, `${u.username} is disabled.`);
        }}
      >
        <p>{open?.user.displayName} will not be able to sign in, and their open sessions end now. You can enable the account again later.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={open?.kind === "mfa"}
        title={`Reset two-factor authentication of ${open?.user.username ?? ""}?`}
        confirmLabel="Reset MFA"
        danger
        testId="confirm-mfa"
        onClose={() => setOpen(null)}
        onConfirm={() => {
          const u = open!.user;
          setOpen(null);
          void change(u, { resetMfa: true }, `Two-factor authentication of ${u.username} removed; they set it up again at the next sign-in.`);
        }}
      >
        <p>Their authenticator and recovery codes stop working and their sessions end; they set it up again at the next sign-in.</p>
      </ConfirmDialog>
      <Dialog open={open?.kind === "rename"} title={`Rename ${open?.user.username ?? ""}`} onClose={() => setOpen(null)} testId="rename-dialog">
        {open?.kind === "rename" && <RenameForm user={open.user} onCancel={() => setOpen(null)} change={change} />}
      </Dialog>
      <Dialog open={open?.kind === "password"} title={`Reset the password of ${open?.user.username ?? ""}`} onClose={() => setOpen(null)} testId="password-dialog">
        {open?.kind === "password" && <PasswordResetForm user={open.user} onCancel={() => setOpen(null)} change={change} />}
      </Dialog>

      <CreateUserForm onCreated={(name) => { setDone(`${name} created.`); router.refresh(); }} />
    </>
  );
}

type Change = (u: Row, body: Record<string, unknown>, what: string) => Promise<Answer>;

function FieldError({ id, error }: { id: string; error?: string }) {
  return error ? <span id={id} className="field-error" role="alert">{error}</span> : null;
}

function RenameForm({ user, onCancel, change }: { user: Row; onCancel: () => void; change: Change }) {
  const ref = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const focusInvalid = useFocusFirstInvalid(ref, errors);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    focusInvalid();
    const name = String(new FormData(e.currentTarget).get("displayName") ?? "").trim();
    if (!name) return setErrors({ displayName: "Enter the person's name." });
    const r = await change(user, { displayName: name }, `${user.username} is now called ${name}.`);
    if (r.ok) onCancel();
    else setErrors(Object.keys(r.fields).length ? r.fields : { displayName: r.message });
  }
  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <label>
        Display name
        <input name="displayName" defaultValue={user.displayName} autoFocus maxLength={120} aria-invalid={!!errors.displayName} aria-describedby={errors.displayName ? "rename-err" : undefined} />
      </label>
      <FieldError id="rename-err" error={errors.displayName} />
      <div className="form-actions dialog-actions">
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        <button type="submit">Save name</button>
      </div>
    </form>
  );
}

function PasswordResetForm({ user, onCancel, change }: { user: Row; onCancel: () => void; change: Change }) {
  const ref = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const focusInvalid = useFocusFirstInvalid(ref, errors);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    focusInvalid();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("password") ?? "");
    const repeat = String(f.get("repeat") ?? "");
    const errs: Record<string, string> = {};
    if ([...password].length < 12) errs.password = "must be at least 12 characters";
    if (password !== repeat) errs.repeat = "The two passwords differ.";
    if (Object.keys(errs).length) return setErrors(errs);
    const r = await change(user, { password }, `The password of ${user.username} was reset; give it to them by a separate channel.`);
    if (r.ok) onCancel();
    else setErrors(Object.keys(r.fields).length ? r.fields : { password: r.message });
  }
  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <p className="muted small" id="pw-policy">{POLICY} Their sessions end when it is reset.</p>
      <label>
        New password
        <input name="password" type="password" autoComplete="new-password" autoFocus aria-invalid={!!errors.password} aria-describedby={errors.password ? "pw-err pw-policy" : "pw-policy"} />
      </label>
      <FieldError id="pw-err" error={errors.password && `Password ${errors.password}`} />
      <label>
        Repeat the new password
        <input name="repeat" type="password" autoComplete="new-password" aria-invalid={!!errors.repeat} aria-describedby={errors.repeat ? "pw-repeat-err" : undefined} />
      </label>
      <FieldError id="pw-repeat-err" error={errors.repeat} />
      <div className="form-actions dialog-actions">
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
        <button type="submit">Reset password</button>
      </div>
    </form>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (username: string) => void }) {
  const ref = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const focusInvalid = useFocusFirstInvalid(ref, errors);
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    focusInvalid();
    const form = e.currentTarget;
    const body = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const errs: Record<string, string> = {};
    if (!body.username?.trim()) errs.username = "Enter a username.";
    if (!body.displayName?.trim()) errs.displayName = "Enter the person's name.";
    if ([...(body.password ?? "")].length < 12) errs.password = "must be at least 12 characters";
    if (Object.keys(errs).length) return setErrors(errs);
    setBusy(true);
    const r = await send("POST", "/api/admin/users", body);
    setBusy(false);
    if (r.ok) {
      setErrors({});
      form.reset();
      onCreated(body.username);
    } else setErrors(Object.keys(r.fields).length ? r.fields : { _form: r.message });
  }
  const a = (k: string) => ({ "aria-invalid": !!errors[k], "aria-describedby": errors[k] ? `new-${k}-err` : undefined });
  return (
    <form ref={ref} className="panel" onSubmit={submit} noValidate aria-labelledby="new-user" style={{ display: "grid", gap: "0.6rem", maxWidth: "30rem" }} data-testid="new-user-form">
      <h2 id="new-user">New user</h2>
      <label style={{ display: "grid" }}>
        Username <input name="username" autoComplete="off" {...a("username")} />
      </label>
      <FieldError id="new-username-err" error={errors.username} />
      <label style={{ display: "grid" }}>
        Display name <input name="displayName" {...a("displayName")} />
      </label>
      <FieldError id="new-displayName-err" error={errors.displayName} />
      <label style={{ display: "grid" }}>
        Role
        <select name="role" defaultValue="clinician">
          {roleValues.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </label>
      <label style={{ display: "grid" }}>
        Initial password <input name="password" type="password" autoComplete="new-password" {...a("password")} />
      </label>
      <span className="muted small">{POLICY}</span>
      <FieldError id="new-password-err" error={errors.password && `Password ${errors.password}`} />
      {errors._form && <p className="error-box" role="alert">{errors._form}</p>}
      <button type="submit" disabled={busy}>Create user</button>
    </form>
  );
}
