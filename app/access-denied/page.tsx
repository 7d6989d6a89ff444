import type { Metadata } from "next";
import Link from "next/link";
import { getPageActor } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Access denied" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

const HOME: Record<string, { href: string; label: string }> = {
  clinician: { href: "/patients", label: "Patients" },
  researcher: { href: "/models", label: "Models" },
  admin: { href: "/admin/audit", label: "Audit log" },
};

/** Where requirePageActor sends a signed-in user whose role may not open a page. */
export default async function AccessDeniedPage({ searchParams }: { searchParams: SP }) {
  const actor = await getPageActor();
  const sp = await searchParams;
  const need = typeof sp.need === "string" ? sp.need.slice(0, 40) : null;
  const home = actor ? HOME[actor.role] : null;
  return (
    <main style={{ maxWidth: "36rem", marginTop: "4rem" }}>
      <h1>Access denied</h1>
      <div className="panel">
        {actor ? (
          <p>
            You are signed in as <strong>{actor.displayName}</strong> ({actor.role}). Your role does not allow this page
            {need ? (
              <>
                {" "}
                (it needs <code>{need}</code>)
              </>
            ) : null}
            . The attempt has been recorded in the audit log. Ask an administrator if you need this access.
          </p>
        ) : (
          <p>You are not signed in.</p>
        )}
        <p>{home ? <Link href={home.href}>Go to {home.label}</Link> : <Link href="/login">Sign in</Link>}</p>
      </div>
    </main>
  );
}
