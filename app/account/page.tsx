import type { Metadata } from "next";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { mfaStatus } from "@/lib/auth/mfa";
import { SignOutButton } from "@/app/login/SignOutButton";
import { requirePageActor } from "@/lib/auth/page";
import { listActiveSessions } from "@/lib/auth/sessions";
import { prisma } from "@/lib/db/client";
import { PasswordForm } from "./PasswordForm";

export const metadata: Metadata = { title: "Account" };

export const dynamic = "force-dynamic";

/** Your account: active sessions (sign out everywhere), two-factor authentication, password change. */
export default async function AccountPage() {
  const actor = await requirePageActor("session:self");
  const db = await prisma();
  const sessions = await listActiveSessions(db, actor.userId, actor.sessionId);
  const mfa = await mfaStatus(db, actor.userId);
  return (
    <>
      <TopBar actor={actor} />
      <main style={{ maxWidth: "60rem" }}>
        <h1>Your account</h1>
        <section className="panel" aria-labelledby="sessions">
          <h2 id="sessions">Active sessions</h2>
          <table>
            <thead>
              <tr>
                <th>Signed in (UTC)</th>
                <th>Last active</th>
                <th>Address</th>
                <th>Browser</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.createdAt.replace("T", " ").slice(0, 16)}
                    {s.current ? " (this one)" : ""}
                  </td>
                  <td>{s.lastSeenAt.replace("T", " ").slice(0, 16)}</td>
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
        <section className="panel" aria-labelledby="mfa">
          <h2 id="mfa">Two-factor authentication</h2>
          <p>
            {mfa.enabled ? `On — ${mfa.recoveryCodesLeft} recovery codes left.` : mfa.required ? "Required for your role." : "Off."}{" "}
            <Link href="/account/mfa">{mfa.enabled ? "Manage" : "Set up"}</Link>
          </p>
        </section>
        <section className="panel" aria-labelledby="password">
          <h2 id="password">Change password</h2>
          <PasswordForm />
        </section>
      </main>
    </>
  );
}
