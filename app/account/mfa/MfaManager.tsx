"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";

import { useState, type FormEvent } from "react";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";

type Status = { enabled: boolean; required: boolean; recoveryCodesLeft: number; enabledAt: string | null };
type Enrolment = { secret: string; otpauthUri: string; qrCode: string };

function csrf(): string {
  const m = document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : "";
}

type Answer = { error?: { code?: string; message?: string } } | null;

async function post<T>(url: string, body?: unknown): Promise<{ ok: true; data: T } | { ok: false; message: string; answer: Answer; status: number }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", [CSRF_HEADER]: csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  }).catch(() => null);
  if (!res) return { ok: false, message: "", answer: null, status: 0 };
  const b = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
  return res.ok && b ? { ok: true, data: b } : { ok: false, message: b?.error?.message ?? `HTTP ${res.status}`, answer: b, status: res.status };
}

/** "ABCDEFGH…" → "ABCD EFGH …" (easier to type into an app). */
const grouped = (s: string) => s.match(/.{1,4}/g)?.join(" ") ?? s;

function RecoveryCodes({ codes, continueTo }: { codes: string[]; continueTo: string }) {
  const t = useTranslations("mfa");
  return (
    <section className="panel" aria-labelledby="recovery">
      <h2 id="recovery">{t("recoveryHeading")}</h2>
      <p>{t("recoveryText")}</p>
      <ul aria-label={t("recoveryList")} style={{ columns: 2, fontFamily: "monospace", fontSize: "1.05rem" }}>
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <p>
        <a href={continueTo}>{t("saved")}</a>
      </p>
    </section>
  );
}

/**
 * Enrolment (secret → first code → recovery codes) and, once on, new recovery codes and turning it
 * off (refused for roles that require it).
 */
export function MfaManager({ status, continueTo }: { status: Status; continueTo: string }) {
  const t = useTranslations("mfa");
  const apiError = useApiError();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function run<T>(p: Promise<{ ok: true; data: T } | { ok: false; message: string; answer: Answer; status: number }>, then: (d: T) => void) {
    setBusy(true);
    setError(null);
    setNotice(null);
    const r = await p;
    setBusy(false);
    if (r.ok) then(r.data);
    else setError(r.status === 0 ? t("unreachable") : apiError(r.answer ?? { error: { message: r.message } }, r.status));
  }

  if (codes) return <RecoveryCodes codes={codes} continueTo={continueTo} />;

  const problem = error && (
    <p className="error-box" role="alert">
      {error}
    </p>
  );

  if (!status.enabled) {
    if (!enrolment)
      return (
        <section className="panel">
          <p>{t.rich("intro", { code: (c) => <code>{c}</code> })}</p>
          {problem}
          <button disabled={busy} onClick={() => run(post<Enrolment>("/api/auth/mfa/enrol"), setEnrolment)}>
            {t("setUp")}
          </button>
        </section>
      );
    const confirm = (e: FormEvent<HTMLFormElement>) => {
      e.preventDefault();
      const code = String(new FormData(e.currentTarget).get("code") ?? "");
      void run(post<{ recoveryCodes: string[] }>("/api/auth/mfa/confirm", { code }), (d) => setCodes(d.recoveryCodes));
    };
    return (
      <section className="panel" aria-labelledby="scan">
        <h2 id="scan">{t("step1")}</h2>
        {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server, nothing to optimise */}
        <img src={enrolment.qrCode} alt={t("qrAlt")} width={200} height={200} style={{ background: "#fff", padding: "0.5rem" }} />
        <p>
          {t("byHand")} <code data-testid="mfa-secret">{grouped(enrolment.secret)}</code>
          <br />
          <span className="muted" style={{ wordBreak: "break-all" }}>
            {enrolment.otpauthUri}
          </span>
        </p>
        <h2>{t("step2")}</h2>
        <form onSubmit={confirm} style={{ display: "flex", gap: "0.6rem", alignItems: "end" }}>
          <label style={{ display: "grid" }}>
            {t("code")}
            <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]{6,7}" required style={{ width: "8rem" }} />
          </label>
          <button type="submit" disabled={busy}>
            {t("turnOn")}
          </button>
        </form>
        {problem}
      </section>
    );
  }

  const withPassword = (url: string, then: (d: { recoveryCodes?: string[] }) => void) => (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const currentPassword = String(new FormData(e.currentTarget).get("currentPassword") ?? "");
    void run(post<{ recoveryCodes?: string[] }>(url, { currentPassword }), then);
  };
  return (
    <section className="panel">
      <p role="status">
        {t.rich("isOn", { strong: (c) => <strong>{c}</strong>, since: status.enabledAt ? t("since", { date: status.enabledAt.slice(0, 10) }) : "", count: status.recoveryCodesLeft })}
      </p>
      {problem}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={withPassword("/api/auth/mfa/recovery-codes", (d) => setCodes(d.recoveryCodes ?? []))} style={{ display: "flex", gap: "0.6rem", alignItems: "end" }}>
        <label style={{ display: "grid" }}>
          {t("password")} <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={busy}>
          {t("newCodes")}
        </button>
      </form>
      {!status.required && (
        <form
          onSubmit={withPassword("/api/auth/mfa/disable", () => window.location.reload())}
          style={{ display: "flex", gap: "0.6rem", alignItems: "end", marginTop: "1rem" }}
        >
          <label style={{ display: "grid" }}>
            {t("password")} <input name="currentPassword" type="password" autoComplete="current-password" required />
          </label>
          <button type="submit" className="secondary" disabled={busy}>
            {t("turnOff")}
          </button>
        </form>
      )}
      {status.required && <p className="muted">{t("cannotOff")}</p>}
    </section>
  );
}
