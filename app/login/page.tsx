import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LanguageSelect } from "@/app/_components/LanguageSelect";
import { redirect } from "next/navigation";
import { getPageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { safeNextPath } from "@/lib/auth/http";
import { demoAccountsForSignIn } from "@/lib/auth/demo";
import { LoginForm } from "./LoginForm";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("login"))("title") };
}

// Dynamic on purpose: the CSP nonce is per request, and a signed-in visitor is sent on.
export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

/** ?error= of a sign-in without script (lib/auth/http.ts) → its message key */
const ERRORS = ["invalid", "rate_limited", "invalid_code", "mfa_expired"] as const;
type ErrorKey = (typeof ERRORS)[number];
const isErrorKey = (v: unknown): v is ErrorKey => typeof v === "string" && (ERRORS as readonly string[]).includes(v);

export default async function LoginPage({ searchParams }: { searchParams: SP }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : undefined);
  if (await getPageActor()) redirect(next);
  const t = await getTranslations("login");
  let error = isErrorKey(sp.error) ? t(`errors.${sp.error}`) : null;
  const wait = typeof sp.wait === "string" && /^\d{1,6}$/.test(sp.wait) ? Number(sp.wait) : null;
  if (error && sp.error === "rate_limited" && wait)
    error = wait < 90 ? t("errors.rateLimitedWait", { wait }) : t("errors.rateLimitedWaitMinutes", { minutes: Math.ceil(wait / 60) });
  const tr = await getTranslations("roles");
  const signedOut = sp.signedOut === "1";
  // the code step of a sign-in without script (the challenge is in an HttpOnly cookie)
  const step = sp.step === "mfa" ? "mfa" : "password";
  // The demo accounts, only while they work here (loopback or FUSION_DEMO_USERS=1), and why.
  const demo = await demoAccountsForSignIn(await prisma());
  return (
    <main style={{ maxWidth: "28rem", marginTop: "4rem" }}>
      <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: "1rem" }}>
        <h1>{t("heading")}</h1>
        <LanguageSelect signedIn={false} />
      </div>
      <p className="muted">{t("notice")}</p>
      {signedOut && (
        <p className="notice" role="status">
          {t("signedOut")}
        </p>
      )}
      <div className="panel">
        <LoginForm next={next} initialError={error} initialStep={step} />
      </div>
      {demo.accounts.length > 0 && (
        <section className="panel" aria-labelledby="demo-accounts">
          <h2 id="demo-accounts">{t("demo.heading")}</h2>
          <p className="muted">{demo.reason && t(`demo.${demo.reason.kind}`, { host: demo.reason.host })}</p>
          <table>
            <thead>
              <tr>
                <th>{t("demo.role")}</th>
                <th>{t("demo.username")}</th>
                <th>{t("demo.password")}</th>
                <th>{t("demo.authenticator")}</th>
              </tr>
            </thead>
            <tbody>
              {demo.accounts.map((u) => (
                <tr key={u.username}>
                  <td>{tr(u.role)}</td>
                  <td>
                    <code>{u.username}</code>
                  </td>
                  <td>
                    <code>{u.password === "(changed)" ? t("demo.changed") : u.password}</code>
                  </td>
                  <td>
                    {u.totp ? (
                      <details>
                        <summary>{t("demo.totpSecret")}</summary>
                        <code>{u.totp.secret}</code>
                        {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server */}
                        <img src={u.totp.qrCode} alt={t("demo.qrAlt", { username: u.username })} width={140} height={140} style={{ background: "#fff", padding: "0.3rem", display: "block" }} />
                      </details>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
