import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { LanguageSelect } from "@/app/_components/LanguageSelect";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { mfaStatus } from "@/lib/auth/mfa";
import { SignOutButton } from "@/app/login/SignOutButton";
import { requirePageActor } from "@/lib/auth/page";
import { listActiveSessions } from "@/lib/auth/sessions";
import { prisma } from "@/lib/db/client";
import { PasswordForm } from "./PasswordForm";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("account"))("title") };
}

export const dynamic = "force-dynamic";

/** Your account: active sessions (sign out everywhere), two-factor authentication, password change. */
export default async function AccountPage() {
  const actor = await requirePageActor("session:self");
  const db = await prisma();
  const sessions = await listActiveSessions(db, actor.userId, actor.sessionId);
  const mfa = await mfaStatus(db, actor.userId);
  const t = await getTranslations("account");
  const format = await getFormatter();
  const when = (iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });
  return (
    <>
      <TopBar actor={actor} />
      <main style={{ maxWidth: "60rem" }}>
        <h1>{t("heading")}</h1>
        <section className="panel" aria-labelledby="sessions">
          <h2 id="sessions">{t("sessions")}</h2>
          <table>
            <thead>
              <tr>
                <th>{t("signedIn")}</th>
                <th>{t("lastActive")}</th>
                <th>{t("address")}</th>
                <th>{t("browser")}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {when(s.createdAt)}
                    {s.current ? t("thisOne") : ""}
                  </td>
                  <td>{when(s.lastSeenAt)}</td>
                  <td>{s.clientAddress ?? "—"}</td>
                  <td className="muted">{s.userAgent?.slice(0, 80) ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p style={{ marginTop: "0.8rem" }}>
            <SignOutButton csrfToken={actor.csrfToken} everywhere />
          </p>
        </section>
        <section className="panel" aria-labelledby="language">
          <h2 id="language">{t("language")}</h2>
          <p className="muted small">{t("languageHelp")}</p>
          <LanguageSelect signedIn />
        </section>
        <section className="panel" aria-labelledby="mfa">
          <h2 id="mfa">{t("mfa")}</h2>
          <p>
            {mfa.enabled ? t("mfaOn", { count: mfa.recoveryCodesLeft }) : mfa.required ? t("mfaRequired") : t("mfaOff")}{" "}
            <Link href="/account/mfa">{mfa.enabled ? t("manage") : t("setUp")}</Link>
          </p>
        </section>
        <section className="panel" aria-labelledby="password">
          <h2 id="password">{t("password")}</h2>
          <PasswordForm />
        </section>
      </main>
    </>
  );
}
