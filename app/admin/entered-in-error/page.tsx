import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { recordPageView } from "@/lib/auth/page-view";
import { prisma } from "@/lib/db/client";
import { listEnteredInError } from "@/lib/jobs/entered-in-error";
import { IDENTITY_FLAG_TEXT, ScanIdentityFlag } from "@/lib/domain/scan";

export const dynamic = "force-dynamic";

const at = (d: Date | null) => (d ? d.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "—");

/**
 * Scans and assessments entered in error, and assessments superseded because of one (issue 12):
 * gone from the clinicians' working views, kept here and in the audit trail with who, when and why.
 */
export default async function EnteredInErrorPage() {
  const actor = await requirePageActor("audit:read");
  const { scans, assessments } = await listEnteredInError(await prisma());
  await recordPageView(actor, { action: "entered_in_error.list", entityType: "Scan", details: { scans: scans.length, assessments: assessments.length } });
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Entered in error</h1>
        <p className="muted">Kept, never deleted: out of the record pages, new assessments and research exports. Every change is in the audit log.</p>
        <section className="panel" aria-labelledby="h-eie-scans">
          <h2 id="h-eie-scans">Scans</h2>
          <table data-testid="eie-scans">
            <thead>
              <tr><th>When</th><th>Patient</th><th>Scan</th><th>Header identity</th><th>Reason</th><th>By</th></tr>
            </thead>
            <tbody>
              {scans.map((s) => {
                const flag = ScanIdentityFlag.safeParse(s.identityFlag);
                return (
                  <tr key={s.id}>
                    <td>{at(s.enteredInErrorAt)}</td>
                    <td>{s.patient.mrn}</td>
                    <td className="mono">{s.modality} {s.id.slice(0, 8)}</td>
                    <td>{flag.success ? `${IDENTITY_FLAG_TEXT[flag.data]} (attached because: ${s.identityReason ?? "—"})` : "matched"}</td>
                    <td>{s.enteredInErrorReason}</td>
                    <td>{s.by ?? "—"}</td>
                  </tr>
                );
              })}
              {!scans.length && <tr><td colSpan={6} className="muted">None.</td></tr>}
            </tbody>
          </table>
        </section>
        <section className="panel" aria-labelledby="h-eie-assessments">
          <h2 id="h-eie-assessments">Assessments</h2>
          <table data-testid="eie-assessments">
            <thead>
              <tr><th>Created</th><th>Patient</th><th>Assessment</th><th>Why it is out</th><th>By</th></tr>
            </thead>
            <tbody>
              {assessments.map((a) => (
                <tr key={a.id}>
                  <td>{at(a.createdAt)}</td>
                  <td>{a.patient.mrn}</td>
                  <td className="mono">{a.modelName} {a.modelVersion} · {a.status} · {a.id.slice(0, 8)}</td>
                  <td>
                    {a.enteredInErrorAt ? `Entered in error ${at(a.enteredInErrorAt)}: ${a.enteredInErrorReason}` : `Superseded ${at(a.supersededAt)}: ${a.supersededReason === "scan_entered_in_error" ? "its scan was entered in error" : a.supersededReason}`}
                  </td>
                  <td>{a.by ?? "—"}</td>
                </tr>
              ))}
              {!assessments.length && <tr><td colSpan={5} className="muted">None.</td></tr>}
            </tbody>
          </table>
        </section>
      </main>
    </>
  );
}
