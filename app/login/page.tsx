import { redirect } from "next/navigation";
import { getPageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { safeNextPath } from "@/lib/auth/http";
import { DEMO_USERS } from "@/lib/auth/users";
import { LoginForm } from "./LoginForm";

// Dynamic on purpose: the CSP nonce is per request, and a signed-in visitor is sent on.
export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

const MESSAGES: Record<string, string> = {
  invalid: "Wrong username or password.",
  rate_limited: "Too many failed sign-ins from this address. Wait a little and try again.",
};

export default async function LoginPage({ searchParams }: { searchParams: SP }) {
  const sp = await searchParams;
  const next = safeNextPath(typeof sp.next === "string" ? sp.next : undefined);
  if (await getPageActor()) redirect(next);
  let error = typeof sp.error === "string" ? (MESSAGES[sp.error] ?? null) : null;
  const wait = typeof sp.wait === "string" && /^\d{1,6}$/.test(sp.wait) ? Number(sp.wait) : null;
  if (error && sp.error === "rate_limited" && wait)
    error = `Too many failed sign-ins from this address. Try again in ${wait < 90 ? `${wait} seconds` : `${Math.ceil(wait / 60)} minutes`}.`;
  const signedOut = sp.signedOut === "1";
  // The demo accounts that really exist here (seeded by db:seed), with their published password
  // unless it has been changed since.
  const db = await prisma();
  const present = await db.user.findMany({
    where: { username: { in: DEMO_USERS.map((u) => u.username) }, disabled: false },
    select: { username: true, createdAt: true, passwordChangedAt: true },
  });
  const demo = DEMO_USERS.flatMap((d) => {
    const row = present.find((p) => p.username === d.username);
    if (!row) return [];
    const unchanged = !row.passwordChangedAt || row.passwordChangedAt.getTime() - row.createdAt.getTime() < 5_000;
    return [{ ...d, password: unchanged ? d.password : "(changed)" }];
  });
  return (
    <main style={{ maxWidth: "28rem", marginTop: "4rem" }}>
      <h1>Sign in to Fusion CDS</h1>
      <p className="muted">Research use only — not for diagnosis. Access is logged.</p>
      {signedOut && (
        <p className="notice" role="status">
          You are signed out.
        </p>
      )}
      <div className="panel">
        <LoginForm next={next} initialError={error} />
      </div>
      {demo.length > 0 && (
        <section className="panel" aria-labelledby="demo-accounts">
          <h2 id="demo-accounts">Demo accounts</h2>
          <p className="muted">
            This is a demonstration install: these accounts exist with published passwords. Never enable them on a
            system that holds real patient data.
          </p>
          <table>
            <thead>
              <tr>
                <th>Role</th>
                <th>Username</th>
                <th>Password</th>
              </tr>
            </thead>
            <tbody>
              {demo.map((u) => (
                <tr key={u.username}>
                  <td>{u.role}</td>
                  <td>
                    <code>{u.username}</code>
                  </td>
                  <td>
                    <code>{u.password}</code>
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
