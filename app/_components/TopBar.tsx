import Link from "next/link";
import type { Actor } from "@/lib/auth/actor";
import { SignOutButton } from "@/app/login/SignOutButton";

/** Navigation shown on every signed-in page; links depend on the role. */
export function TopBar({ actor }: { actor: Actor }) {
  return (
    <header className="topbar">
      <span className="brand">Fusion CDS</span>
      <nav aria-label="Main" style={{ display: "flex", gap: "1.2rem" }}>
        {actor.role === "clinician" && <Link href="/patients">Patients</Link>}
        {actor.role === "researcher" && <Link href="/research/export">Research export</Link>}
        <Link href="/models">Models</Link>
        {actor.role === "admin" && <Link href="/admin/audit">Audit log</Link>}
        {actor.role === "admin" && <Link href="/admin/users">Users</Link>}
        <Link href="/account">Account</Link>
      </nav>
      <span className="spacer" />
      <span className="who">
        {actor.displayName} · {actor.role}
      </span>
      <SignOutButton csrfToken={actor.csrfToken} />
    </header>
  );
}
