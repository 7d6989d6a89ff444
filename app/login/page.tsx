import { redirect } from "next/navigation";
import { getPageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { safeNextPath } from "@/lib/auth/http";
import { demoAccountsForSignIn } from "@/lib/auth/demo";
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
  // The demo accounts, only while they work here (loopback or FUSION_DEMO_USERS=1), and why.
  const demo = await demoAccountsForSignIn(await prisma());
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
      {demo.accounts.length > 0 && (
        <section className="panel" aria-labelledby="demo-accounts">
          <h2 id="demo-accounts">Demo accounts</h2>
          <p className="muted">{demo.why}</p>
          <table>
            <thead>
              <tr>
                <th>Role</th>
                <th>Username</th>
                <th>Password</th>
              </tr>
            </thead>
            <tbody>
              {demo.accounts.map((u) => (
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
