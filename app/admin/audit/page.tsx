import type { Metadata } from "next";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { recordPageView } from "@/lib/auth/page-view";
import { AuditQuery, auditQueryIssues, scrubFilters, searchAudit } from "@/lib/auth/audit-search";
import { prisma } from "@/lib/db/client";

export const metadata: Metadata = { title: "Audit log" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;
const FIELDS = ["from", "to", "username", "patientId", "patientMrn", "action", "outcome", "entityType", "clientAddress"] as const;

export default async function AuditLogPage({ searchParams }: { searchParams: SP }) {
  const actor = await requirePageActor("audit:read");
  const sp = await searchParams;
  const raw: Record<string, string> = {};
  for (const k of [...FIELDS, "page", "pageSize"]) if (typeof sp[k] === "string" && sp[k]) raw[k] = sp[k] as string;
  const parsed = AuditQuery.safeParse(raw);
  // invalid filters show what is wrong and no events (never the unfiltered trail in their place)
  const issues = parsed.success ? [] : auditQueryIssues(parsed.error);
  const q = parsed.success ? parsed.data : null;
  const result = q ? await searchAudit(await prisma(), q) : { total: 0, page: 1, pageSize: 50, items: [], nextCursor: null };
  if (q) await recordPageView(actor, { action: "audit.search", entityType: "AuditEvent", details: { filters: scrubFilters(q), total: result.total } });
  const pageNo = q?.page ?? 1;
  const fieldError = (k: string) => issues.find((i) => i.path === k)?.message;
  // the first invalid filter takes the focus when the page arrives (autofocus)
  const invalid = (k: string) => (fieldError(k) ? { "aria-invalid": true, "aria-describedby": "audit-filter-errors", autoFocus: issues[0]?.path === k } : {});
  const qs = (over: Record<string, string>) => new URLSearchParams({ ...raw, ...over }).toString();
  const pages = Math.max(1, Math.ceil(result.total / (q?.pageSize ?? 50)));
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Audit log</h1>
        {issues.length > 0 && (
          <div className="error-box" role="alert" id="audit-filter-errors" data-testid="audit-filter-errors">
            The search was not run: these filters are not valid.
            <ul>
              {issues.map((i) => <li key={i.path + i.message}>{`${LABELS[i.path] ?? i.path}: ${i.message}`}</li>)}
            </ul>
          </div>
        )}
        {"unknownMrn" in result && result.unknownMrn && (
          <p className="notice" role="status">No patient has the MRN {raw.patientMrn}: no events.</p>
        )}
        <form method="get" className="panel search" aria-label="Filter the audit log">
          <label>
            From <input type="datetime-local" name="from" defaultValue={raw.from ?? ""} {...invalid("from")} />
          </label>
          <label>
            To <input type="datetime-local" name="to" defaultValue={raw.to ?? ""} {...invalid("to")} />
          </label>
          <label>
            User <input name="username" defaultValue={raw.username ?? ""} size={14} />
          </label>
          <label>
            Patient id <input name="patientId" defaultValue={raw.patientId ?? ""} size={36} {...invalid("patientId")} />
          </label>
          <label>
            Patient MRN <input name="patientMrn" defaultValue={raw.patientMrn ?? ""} size={14} autoComplete="off" {...invalid("patientMrn")} />
          </label>
          <label>
            Action <input name="action" defaultValue={raw.action ?? ""} placeholder="auth.login or patient." size={18} />
          </label>
          <label>
            Outcome{" "}
            <select name="outcome" defaultValue={raw.outcome ?? ""} {...invalid("outcome")}>
              <option value="">any</option>
              <option value="success">success</option>
              <option value="failure">failure</option>
              <option value="denied">denied</option>
            </select>
          </label>
          <label>
            Client address <input name="clientAddress" defaultValue={raw.clientAddress ?? ""} size={14} />
          </label>
          <button type="submit">Search</button>
          <a className="button secondary" href={`/api/admin/audit/fhir?${qs({ page: "1" })}`}>
            Export as FHIR AuditEvent (JSON)
          </a>
        </form>
        <p className="muted" role="status">
          {result.total} event{result.total === 1 ? "" : "s"} · page {pageNo} of {pages}
        </p>
        <div className="panel" style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>User</th>
                <th>Role</th>
                <th>Action</th>
                <th>Outcome</th>
                <th>Entity</th>
                <th>Patient</th>
                <th>Client</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((e) => (
                <tr key={e.id}>
                  <td style={{ whiteSpace: "nowrap" }}>{e.occurredAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>{e.username ?? "—"}</td>
                  <td>{e.role ?? "—"}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.outcome}</td>
                  <td>{e.entityType ? `${e.entityType}${e.entityId ? ` ${e.entityId.slice(0, 8)}` : ""}` : "—"}</td>
                  <td>{e.patientId ? <Link href={`/admin/audit?${qs({ patientId: e.patientId, page: "1" })}`}>{e.patientId.slice(0, 8)}</Link> : "—"}</td>
                  <td>{e.clientAddress ?? "—"}</td>
                  <td>
                    <code style={{ fontSize: "0.78rem", wordBreak: "break-all" }}>{detailsText(e.action, e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">
          Patient searches show what kind of text was searched (a name, an identifier such as an MRN, or other), its length and a
          keyed hash: the same hash means the same search text (ignoring case), e.g. one user repeating a lookup. The text itself
          is not kept in the audit trail.
        </p>
        <nav className="pager" aria-label="Pages">
          {pageNo > 1 ? <Link href={`/admin/audit?${qs({ page: String(pageNo - 1) })}`}>Previous</Link> : <span>Previous</span>}
          {pageNo < pages ? <Link href={`/admin/audit?${qs({ page: String(pageNo + 1) })}`}>Next</Link> : <span>Next</span>}
        </nav>
      </main>
    </>
  );
}

const LABELS: Record<string, string> = { from: "From", to: "To", username: "User", patientId: "Patient id", patientMrn: "Patient MRN", action: "Action", outcome: "Outcome", clientAddress: "Client address", page: "Page", pageSize: "Page size" };

/** Details as one short line; a patient search's redacted text as "name, 9 characters, #9d72…". */
function detailsText(action: string, details: unknown): string {
  if (!details) return "";
  const q = (details as { q?: { kind?: string; length?: number; hmac?: string } }).q;
  if (action === "patient.search" && q && typeof q === "object") {
    const { q: _q, ...rest } = details as Record<string, unknown>;
    const what = q.kind === "empty" ? "search: (empty)" : `search: ${q.kind}, ${q.length} characters, #${q.hmac}`;
    return `${what} ${JSON.stringify(rest)}`.slice(0, 160);
  }
  return JSON.stringify(details).slice(0, 160);
}
