"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";

import { useRef, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";
import { roleValues } from "@/lib/domain/enums";
import { ConfirmDialog, Dialog } from "@/app/_components/Dialog";
import { useFocusFirstInvalid } from "@/app/_components/useFocusFirstInvalid";

type Row = { id: string; username: string; displayName: string; role: string; disabled: boolean; locked: boolean; mfa: boolean; lastLoginAt: string | null };
type Answer = { ok: true; revokedSessions: number } | { ok: false; message: string; fields: Record<string, string>; code?: string; status: number };


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
  if (!res) return { ok: false, message: "", fields: {}, status: 0 };
  const b = (await res.json().catch(() => null)) as { revokedSessions?: number; error?: { code?: string; message?: string; details?: { issues?: { path: string; message: string }[] } } } | null;
  if (res.ok) return { ok: true, revokedSessions: b?.revokedSessions ?? 0 };
  const fields: Record<string, string> = {};
  for (const i of b?.error?.details?.issues ?? []) fields[i.path] ??= i.message;
  return { ok: false, message: b?.error?.message ?? `HTTP ${res.status}`, fields, code: b?.error?.code, status: res.status };
}

type Open = { kind: "rename" | "password" | "disable" | "mfa"; user: Row } | null;

/**
 * Create accounts; rename, change the role, reset the password (the password policy), disable
 * (asked first) / enable, clear sign-in throttling, reset MFA (asked first), end sessions. Every
 * change goes through /api/admin/users (lib/auth/user-admin.ts: one transaction and an audit row).
 */
export function UserAdmin({ users, selfId }: { users: Row[]; selfId: string }) {
  const router = useRouter();
  const t = useTranslations("users");
  const tr = useTranslations("roles");
  const apiError = useApiError();
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
      setDone(`${what}${r.revokedSessions ? t("sessionsEnded", { count: r.revokedSessions, username: u.username }) : ""}`);
      router.refresh();
    } else if (!Object.keys(r.fields).length) setError(r.status === 0 ? t("unreachable") : apiError({ error: { code: r.code, message: r.message } }, r.status));
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
              <th>{t("username")}</th>
              <th>{t("name")}</th>
              <th>{t("role")}</th>
              <th>{t("status")}</th>
              <th>{t("mfa")}</th>
              <th>{t("lastSignIn")}</th>
              <th>{t("actions")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid={`user-${u.username}`}>
                <td>{u.username}</td>
                <td>{u.displayName}</td>
                <td>
                  <select
                    aria-label={t("roleOf", { username: u.username })}
                    value={u.role}
                    disabled={busy || u.id === selfId}
                    title={u.id === selfId ? t("ownRole") : undefined}
                    onChange={(e) => void change(u, { role: e.target.value }, t("nowRole", { username: u.username, role: tr(e.target.value as "admin") }))}
                  >
                    {roleValues.map((r) => <option key={r} value={r}>{tr(r)}</option>)}
                  </select>
                </td>
                <td>{u.disabled ? t("disabled") : u.locked ? t("throttled") : t("active")}</td>
                <td>{u.mfa ? t("mfaOn") : u.role === "admin" ? t("mfaRequired") : t("mfaOff")}</td>
                <td>{u.lastLoginAt?.replace("T", " ").slice(0, 16) ?? t("never")}</td>
                <td style={{ display: "flex", gap: "0.4rem", flexWrap: "wrap" }}>
                  <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "rename", user: u })}>{t("rename")}</button>
                  <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "password", user: u })}>{t("resetPassword")}</button>
                  {u.id !== selfId &&
                    (u.disabled ? (
                      <button type="button" className="secondary small" disabled={busy} onClick={() => void change(u, { disabled: false }, t("enabled", { username: u.username }))}>{t("enable")}</button>
                    ) : (
                      <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "disable", user: u })}>{t("disable")}</button>
                    ))}
                  {u.locked && (
                    <button type="button" className="secondary small" disabled={busy} onClick={() => void change(u, { unlock: true }, t("cleared", { username: u.username }))}>{t("clearFailed")}</button>
                  )}
                  {u.mfa && (
                    <button type="button" className="secondary small" disabled={busy} onClick={() => setOpen({ kind: "mfa", user: u })}>{t("resetMfa")}</button>
                  )}
                  <button type="button" className="secondary small" disabled={busy} onClick={() => void change(u, { revokeSessions: true }, t("sessionsOf", { username: u.username }))}>{t("endSessions")}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ConfirmDialog
        open={open?.kind === "disable"}
        title={t("disableTitle", { username: open?.user.username ?? "" })}
        confirmLabel={t("disableConfirm")}
        danger
        testId="confirm-disable"
        onClose={() => setOpen(null)}
        onConfirm={() => {
          const u = open!.user;
          setOpen(null);
          void change(u, { disabled: true }, t("isDisabled", { username: u.username }));
        }}
      >
        <p>{t("disableText", { name: open?.user.displayName ?? "" })}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={open?.kind === "mfa"}
        title={t("mfaTitle", { username: open?.user.username ?? "" })}
        confirmLabel={t("resetMfa")}
        danger
        testId="confirm-mfa"
        onClose={() => setOpen(null)}
        onConfirm={() => {
          const u = open!.user;
          setOpen(null);
          void change(u, { resetMfa: true }, t("mfaDone", { username: u.username }));
        }}
      >
        <p>{t("mfaText")}</p>
      </ConfirmDialog>
      <Dialog open={open?.kind === "rename"} title={t("renameTitle", { username: open?.user.username ?? "" })} onClose={() => setOpen(null)} testId="rename-dialog">
        {open?.kind === "rename" && <RenameForm user={open.user} onCancel={() => setOpen(null)} change={change} />}
      </Dialog>
      <Dialog open={open?.kind === "password"} title={t("passwordTitle", { username: open?.user.username ?? "" })} onClose={() => setOpen(null)} testId="password-dialog">
        {open?.kind === "password" && <PasswordResetForm user={open.user} onCancel={() => setOpen(null)} change={change} />}
      </Dialog>

      <CreateUserForm onCreated={(name) => { setDone(t("created", { username: name })); router.refresh(); }} />
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
  const t = useTranslations("users");
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    focusInvalid();
    const name = String(new FormData(e.currentTarget).get("displayName") ?? "").trim();
    if (!name) return setErrors({ displayName: t("enterName") });
    const r = await change(user, { displayName: name }, t("renamed", { username: user.username, name }));
    if (r.ok) onCancel();
    else setErrors(Object.keys(r.fields).length ? r.fields : { displayName: r.message });
  }
  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <label>
        {t("displayName")}
        <input name="displayName" defaultValue={user.displayName} autoFocus maxLength={120} aria-invalid={!!errors.displayName} aria-describedby={errors.displayName ? "rename-err" : undefined} />
      </label>
      <FieldError id="rename-err" error={errors.displayName} />
      <div className="form-actions dialog-actions">
        <button type="button" className="secondary" onClick={onCancel}>{t("cancel")}</button>
        <button type="submit">{t("saveName")}</button>
      </div>
    </form>
  );
}

function PasswordResetForm({ user, onCancel, change }: { user: Row; onCancel: () => void; change: Change }) {
  const ref = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const focusInvalid = useFocusFirstInvalid(ref, errors);
  const t = useTranslations("users");
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    focusInvalid();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("password") ?? "");
    const repeat = String(f.get("repeat") ?? "");
    const errs: Record<string, string> = {};
    if ([...password].length < 12) errs.password = t("tooShort");
    if (password !== repeat) errs.repeat = t("differ");
    if (Object.keys(errs).length) return setErrors(errs);
    const r = await change(user, { password }, t("wasReset", { username: user.username }));
    if (r.ok) onCancel();
    else setErrors(Object.keys(r.fields).length ? r.fields : { password: r.message });
  }
  return (
    <form ref={ref} onSubmit={submit} noValidate>
      <p className="muted small" id="pw-policy">{t("policy")}{t("sessionsEnd")}</p>
      <label>
        {t("newPassword")}
        <input name="password" type="password" autoComplete="new-password" autoFocus aria-invalid={!!errors.password} aria-describedby={errors.password ? "pw-err pw-policy" : "pw-policy"} />
      </label>
      <FieldError id="pw-err" error={errors.password && t("passwordProblem", { problem: errors.password })} />
      <label>
        {t("repeat")}
        <input name="repeat" type="password" autoComplete="new-password" aria-invalid={!!errors.repeat} aria-describedby={errors.repeat ? "pw-repeat-err" : undefined} />
      </label>
      <FieldError id="pw-repeat-err" error={errors.repeat} />
      <div className="form-actions dialog-actions">
        <button type="button" className="secondary" onClick={onCancel}>{t("cancel")}</button>
        <button type="submit">{t("resetPassword")}</button>
      </div>
    </form>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (username: string) => void }) {
  const ref = useRef<HTMLFormElement>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const focusInvalid = useFocusFirstInvalid(ref, errors);
  const t = useTranslations("users");
  const tr = useTranslations("roles");
  const apiError = useApiError();
  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    focusInvalid();
    const form = e.currentTarget;
    const body = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const errs: Record<string, string> = {};
    if (!body.username?.trim()) errs.username = t("enterUsername");
    if (!body.displayName?.trim()) errs.displayName = t("enterName");
    if ([...(body.password ?? "")].length < 12) errs.password = t("tooShort");
    if (Object.keys(errs).length) return setErrors(errs);
    setBusy(true);
    const r = await send("POST", "/api/admin/users", body);
    setBusy(false);
    if (r.ok) {
      setErrors({});
      form.reset();
      onCreated(body.username);
    } else setErrors(Object.keys(r.fields).length ? r.fields : { _form: r.status === 0 ? t("unreachable") : apiError({ error: { code: r.code, message: r.message } }, r.status) });
  }
  const a = (k: string) => ({ "aria-invalid": !!errors[k], "aria-describedby": errors[k] ? `new-${k}-err` : undefined });
  return (
    <form ref={ref} className="panel" onSubmit={submit} noValidate aria-labelledby="new-user" style={{ display: "grid", gap: "0.6rem", maxWidth: "30rem" }} data-testid="new-user-form">
      <h2 id="new-user">{t("newUser")}</h2>
      <label style={{ display: "grid" }}>
        {t("username")} <input name="username" autoComplete="off" {...a("username")} />
      </label>
      <FieldError id="new-username-err" error={errors.username} />
      <label style={{ display: "grid" }}>
        {t("displayName")} <input name="displayName" {...a("displayName")} />
      </label>
      <FieldError id="new-displayName-err" error={errors.displayName} />
      <label style={{ display: "grid" }}>
        {t("role")}
        <select name="role" defaultValue="clinician">
          {roleValues.map((r) => <option key={r} value={r}>{tr(r)}</option>)}
        </select>
      </label>
      <label style={{ display: "grid" }}>
        {t("initialPassword")} <input name="password" type="password" autoComplete="new-password" {...a("password")} />
      </label>
      <span className="muted small">{t("policy")}</span>
      <FieldError id="new-password-err" error={errors.password && t("passwordProblem", { problem: errors.password })} />
      {errors._form && <p className="error-box" role="alert">{errors._form}</p>}
      <button type="submit" disabled={busy}>{t("create")}</button>
    </form>
  );
}
