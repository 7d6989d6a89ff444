import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import Link from "next/link";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { recordPageView } from "@/lib/auth/page-view";
import { AuditQuery, auditQueryIssues, scrubFilters, searchAudit } from "@/lib/auth/audit-search";
import { prisma } from "@/lib/db/client";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("auditLog"))("title") };
}

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
  const t = await getTranslations("auditLog");
  const tr = await getTranslations("roles");
  const label = (k: string) => (k in LABEL_KEYS ? t(`labels.${k as keyof typeof LABEL_KEYS}`) : k);
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("title")}</h1>
        {issues.length > 0 && (
          <div className="error-box" role="alert" id="audit-filter-errors" data-testid="audit-filter-errors">
            {t("invalid")}
            <ul>
              {issues.map((i) => <li key={i.path + i.message}>{`${label(i.path)}: ${i.message}`}</li>)}
            </ul>
          </div>
        )}
        {"unknownMrn" in result && result.unknownMrn && (
          <p className="notice" role="status">{t("unknownMrn", { mrn: raw.patientMrn ?? "" })}</p>
        )}
        <form method="get" className="panel search" aria-label={t("filter")}>
          <label>
            {t("labels.from")} <input type="datetime-local" name="from" defaultValue={raw.from ?? ""} {...invalid("from")} />
          </label>
          <label>
            {t("labels.to")} <input type="datetime-local" name="to" defaultValue={raw.to ?? ""} {...invalid("to")} />
          </label>
          <label>
            {t("labels.username")} <input name="username" defaultValue={raw.username ?? ""} size={14} />
          </label>
          <label>
            {t("labels.patientId")} <input name="patientId" defaultValue={raw.patientId ?? ""} size={36} {...invalid("patientId")} />
          </label>
          <label>
            {t("labels.patientMrn")} <input name="patientMrn" defaultValue={raw.patientMrn ?? ""} size={14} autoComplete="off" {...invalid("patientMrn")} />
          </label>
          <label>
            {t("labels.action")} <input name="action" defaultValue={raw.action ?? ""} placeholder={t("actionPlaceholder")} size={18} />
          </label>
          <label>
            {t("labels.outcome")}{" "}
            <select name="outcome" defaultValue={raw.outcome ?? ""} {...invalid("outcome")}>
              <option value="">{t("any")}</option>
              <option value="success">{t("outcomes.success")}</option>
              <option value="failure">{t("outcomes.failure")}</option>
              <option value="denied">{t("outcomes.denied")}</option>
            </select>
          </label>
          <label>
            {t("labels.clientAddress")} <input name="clientAddress" defaultValue={raw.clientAddress ?? ""} size={14} />
          </label>
          <button type="submit">{t("search")}</button>
          <a className="button secondary" href={`/api/admin/audit/fhir?${qs({ page: "1" })}`}>
            {t("exportFhir")}
          </a>
        </form>
        <p className="muted" role="status">
          {t("count", { count: result.total, page: pageNo, pages })}
        </p>
        <div className="panel" style={{ overflowX: "auto" }}>
          <table>
            <thead>
              <tr>
                <th>{t("time")}</th>
                <th>{t("labels.username")}</th>
                <th>{t("role")}</th>
                <th>{t("labels.action")}</th>
                <th>{t("labels.outcome")}</th>
                <th>{t("entity")}</th>
                <th>{t("patient")}</th>
                <th>{t("client")}</th>
                <th>{t("details")}</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((e) => (
                <tr key={e.id}>
                  <td style={{ whiteSpace: "nowrap" }}>{e.occurredAt.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td>{e.username ?? "—"}</td>
                  <td>{e.role ? tr(e.role) : "—"}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{t(`outcomes.${e.outcome}`)}</td>
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
          {t("searchNote")}
        </p>
        <nav className="pager" aria-label={t("pages")}>
          {pageNo > 1 ? <Link href={`/admin/audit?${qs({ page: String(pageNo - 1) })}`}>{t("previous")}</Link> : <span>{t("previous")}</span>}
          {pageNo < pages ? <Link href={`/admin/audit?${qs({ page: String(pageNo + 1) })}`}>{t("next")}</Link> : <span>{t("next")}</span>}
        </nav>
      </main>
    </>
  );
}

const LABEL_KEYS = { from: 1, to: 1, username: 1, patientId: 1, patientMrn: 1, action: 1, outcome: 1, clientAddress: 1, page: 1, pageSize: 1 } as const;

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
