import Link from "next/link";
import type { Actor } from "@/lib/auth/actor";

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
      </nav>
      <span className="spacer" />
      <span className="who">
        {actor.displayName} · {actor.role}
      </span>
      <form method="post" action="/api/auth/logout">
        <button className="secondary" type="submit" style={{ padding: "0.25rem 0.7rem" }}>
          Sign out
        </button>
      </form>
    </header>
  );
}
