import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getPageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { safeNextPath } from "@/lib/auth/http";
import { demoAccountsForSignIn } from "@/lib/auth/demo";
import { LoginForm } from "./LoginForm";

export const metadata: Metadata = { title: "Sign in" };

// Dynamic on purpose: the CSP nonce is per request, and a signed-in visitor is sent on.
export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

const MESSAGES: Record<string, string> = {
  invalid: "Wrong username or password.",
  rate_limited: "Too many failed sign-ins from this address. Wait a little and try again.",
  invalid_code: "That code is not valid. Enter the current code from your authenticator app, or a recovery code.",
  mfa_expired: "The sign-in expired or had too many wrong codes. Sign in again with your password.",
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
  // the code step of a sign-in without script (the challenge is in an HttpOnly cookie)
  const step = sp.step === "mfa" ? "mfa" : "password";
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
        <LoginForm next={next} initialError={error} initialStep={step} />
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
                <th>Authenticator</th>
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
                  <td>
                    {u.totp ? (
                      <details>
                        <summary>TOTP secret</summary>
                        <code>{u.totp.secret}</code>
                        {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server */}
                        <img src={u.totp.qrCode} alt={`QR code of ${u.username}'s authenticator secret`} width={140} height={140} style={{ background: "#fff", padding: "0.3rem", display: "block" }} />
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
