import type { Metadata } from "next";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { roleMay } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Administration" };

export const dynamic = "force-dynamic";

export default async function AdminHome() {
  const actor = await requirePageActor("audit:read");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Administration</h1>
        <ul className="panel">
          <li>
            <Link href="/admin/audit">Audit log</Link> — search every sign-in and every access to patient data; export as
            FHIR AuditEvent.
          </li>
          <li>
            <Link href="/admin/entered-in-error">Entered in error</Link> — scans and assessments clinicians took out of records (kept, with who, when and why).
          </li>
          {roleMay(actor.role, "user:admin") && (
            <li>
              <Link href="/admin/users">Users</Link> — create accounts, change roles, disable, clear failed sign-ins, end sessions.
            </li>
          )}
          {roleMay(actor.role, "user:admin") && (
            <li>
              <Link href="/admin/ehrs">Trusted EHRs</Link> — the EHRs allowed to call the CDS Hooks service (JWT issuer and keys).
            </li>
          )}
          {roleMay(actor.role, "dicomweb:admin") && (
            <li>
              <Link href="/admin/dicomweb">DICOMweb sources (PACS)</Link> — the archives clinicians import from and send results to;
              push tokens for archives that send studies here.
            </li>
          )}
        </ul>
      </main>
    </>
  );
}
