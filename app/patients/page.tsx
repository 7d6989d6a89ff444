import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { localizeOutcomeLabel } from "@/lib/domain/clinical-terms";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { roleMay } from "@/lib/auth/permissions";
import { recordPageView } from "@/lib/auth/page-view";
import { redactSearchText } from "@/lib/auth/audit-redact";
import { prisma } from "@/lib/db/client";
import { listPatients } from "@/lib/db/patient-list";
import { PatientSearch, ageOn, todayIso } from "@/lib/domain";
import { CategoryBadge, formatPct } from "./[id]/_components/risk-format";
import { ResearchLabel } from "./[id]/_components/ResearchLabel";
import { FhirImportPanel } from "./_components/FhirImportPanel";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("patients"))("title") };
}

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

const SORTS = ["name", "-name", "-risk", "-lastAssessment", "mrn", "-birthDate", "birthDate", "-updated"] as const;

export default async function PatientsPage({ searchParams }: { searchParams: SP }) {
  const actor = await requirePageActor("patient:read");
  const sp = await searchParams;
  const parsed = PatientSearch.safeParse({
    q: typeof sp.q === "string" ? sp.q : "",
    page: typeof sp.page === "string" ? sp.page : "1",
    pageSize: typeof sp.pageSize === "string" ? sp.pageSize : "25",
    sort: typeof sp.sort === "string" ? sp.sort : "name",
  });
  const search = parsed.success ? parsed.data : PatientSearch.parse({});
  const page = await listPatients(await prisma(), search);
  await recordPageView(actor, {
    action: "patient.search",
    entityType: "Patient",
    details: { q: redactSearchText(search.q), page: search.page, sort: search.sort, returned: page.items.length },
  });
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const link = (p: number) => `/patients?${new URLSearchParams({ q: search.q, page: String(p), sort: search.sort, pageSize: String(search.pageSize) })}`;
  const today = todayIso();
  // one column per head, named in the model's words (ModelVersion.outcomes via listPatients)
  const headNames = new Map(page.items.flatMap((p) => p.latestRisk.map((r) => [r.head, r] as const)));
  const heads = [...headNames.keys()].sort();
  const t = await getTranslations("patients");
  const tsex = await getTranslations("sex");
  const tparts = await getTranslations("risk.parts");
  const locale = await getLocale();

  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("title")}</h1>
        <form className="search" role="search" action="/patients" method="get">
          <label htmlFor="q" className="sr-only">{t("searchLabel")}</label>
          <input id="q" name="q" type="search" defaultValue={search.q} placeholder={t("searchLabel")} autoComplete="off" />
          <label htmlFor="sort" className="muted">{t("sort")}</label>
          <select id="sort" name="sort" defaultValue={search.sort}>
            {SORTS.map((v) => <option key={v} value={v}>{t(`sorts.${v}`)}</option>)}
          </select>
          <label htmlFor="pageSize" className="muted">{t("perPage")}</label>
          <select id="pageSize" name="pageSize" defaultValue={String(search.pageSize)}>
            {[25, 50, 100].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
          <button type="submit">{t("search")}</button>
        </form>
        {!parsed.success && <p className="error-box">{t("notUnderstood")}</p>}
        {roleMay(actor.role, "patient:write") && <FhirImportPanel />}
        {heads.length > 0 && <ResearchLabel />}
        <div className="panel" style={{ padding: 0 }}>
          <table aria-label={t("table")} data-testid="patient-list">
            <thead>
              <tr>
                <th>{t("name")}</th>
                <th>{t("mrn")}</th>
                <th className="num">{t("age")}</th>
                <th>{t("sex")}</th>
                {heads.map((hd) => <th key={hd} title={localizeOutcomeLabel(headNames.get(hd)!.label, locale)}>{t("headRisk", { head: localizeOutcomeLabel(headNames.get(hd)!.shortLabel, locale) })}</th>)}
                <th>{t("lastAssessed")}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((p) => (
                <tr key={p.id}>
                  <td><a href={`/patients/${p.id}`}>{p.familyName}, {p.givenName}</a></td>
                  <td>{p.mrn}</td>
                  <td className="num">{ageOn(p.birthDate, today)}</td>
                  <td>{tsex(p.sex)}</td>
                  {heads.map((hd) => {
                    const r = p.latestRisk.find((x) => x.head === hd);
                    return (
                      <td key={hd} className="risk-cell">
                        {r ? (<><span className="num-inline">{formatPct(r.probability)}</span> <CategoryBadge category={r.category} /></>) : <span className="muted">—</span>}
                      </td>
                    );
                  })}
                  <td>
                    {p.lastAssessmentAt ? p.lastAssessmentAt.slice(0, 10) : <span className="muted">{t("never")}</span>}
                    {p.recordChangedSinceScore && (
                      <span
                        className="stale-flag"
                        data-testid="list-record-changed"
                        title={t("recordChangedTitle", { parts: p.recordChangedSinceScore.parts.map((x) => tparts(x)).join(", ") })}
                      >
                        {t("recordChanged", { parts: p.recordChangedSinceScore.parts.map((x) => tparts(x)).join(", ") })}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
              {page.items.length === 0 && (
                <tr><td colSpan={5 + heads.length} className="muted">{t("noMatch", { q: search.q })}</td></tr>
              )}
            </tbody>
          </table>
        </div>
        <nav className="pager" aria-label={t("pages")}>
          <span>
            {page.totalIsLowerBound ? t("totalMore", { count: page.total, page: search.page }) : t("total", { count: page.total, page: search.page })}
            {page.totalIsLowerBound ? "" : t("ofPages", { pages })}
          </span>
          {search.page > 1 && <a href={link(search.page - 1)}>{t("previous")}</a>}
          {(search.page < pages || page.totalIsLowerBound) && <a href={link(search.page + 1)}>{t("next")}</a>}
        </nav>
      </main>
    </>
  );
}
