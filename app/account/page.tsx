import { TopBar } from "@/app/_components/TopBar";
import { SignOutButton } from "@/app/login/SignOutButton";
import { requirePageActor } from "@/lib/auth/page";
import { listActiveSessions } from "@/lib/auth/sessions";
import { prisma } from "@/lib/db/client";
import { PasswordForm } from "./PasswordForm";

export const dynamic = "force-dynamic";

/** Your account: active sessions (sign out everywhere) and password change. */
export default async function AccountPage() {
  const actor = await requirePageActor("session:self");
  const sessions = await listActiveSessions(await prisma(), actor.userId, actor.sessionId);
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
        <section className="panel" aria-labelledby="password">
          <h2 id="password">Change password</h2>
          <PasswordForm />
        </section>
      </main>
    </>
  );
}
