import type { Metadata } from "next";
import { TopBar } from "@/app/_components/TopBar";
import { RECORD_PART_LABEL } from "@/lib/domain/scan";
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

export const metadata: Metadata = { title: "Patients" };

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

const SORTS: [string, string][] = [
  ["name", "Name A–Z"],
  ["-name", "Name Z–A"],
  ["-risk", "Highest risk first"],
  ["-lastAssessment", "Most recently assessed"],
  ["mrn", "MRN"],
  ["-birthDate", "Youngest first"],
  ["birthDate", "Oldest first"],
  ["-updated", "Recently updated"],
];

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

  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Patients</h1>
        <form className="search" role="search" action="/patients" method="get">
          <label htmlFor="q" className="sr-only">Search by name or MRN</label>
          <input id="q" name="q" type="search" defaultValue={search.q} placeholder="Search by name or MRN" autoComplete="off" />
          <label htmlFor="sort" className="muted">Sort</label>
          <select id="sort" name="sort" defaultValue={search.sort}>
            {SORTS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
          <label htmlFor="pageSize" className="muted">Per page</label>
          <select id="pageSize" name="pageSize" defaultValue={String(search.pageSize)}>
            {[25, 50, 100].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
          <button type="submit">Search</button>
        </form>
        {!parsed.success && <p className="error-box">The search was not understood; showing all patients.</p>}
        {roleMay(actor.role, "patient:write") && <FhirImportPanel />}
        {heads.length > 0 && <ResearchLabel />}
        <div className="panel" style={{ padding: 0 }}>
          <table aria-label="Patients" data-testid="patient-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>MRN</th>
                <th className="num">Age</th>
                <th>Sex</th>
                {heads.map((hd) => <th key={hd} title={headNames.get(hd)!.label}>{headNames.get(hd)!.shortLabel} risk</th>)}
                <th>Last assessed</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((p) => (
                <tr key={p.id}>
                  <td><a href={`/patients/${p.id}`}>{p.familyName}, {p.givenName}</a></td>
                  <td>{p.mrn}</td>
                  <td className="num">{ageOn(p.birthDate, today)}</td>
                  <td>{p.sex}</td>
                  {heads.map((hd) => {
                    const r = p.latestRisk.find((x) => x.head === hd);
                    return (
                      <td key={hd} className="risk-cell">
                        {r ? (<><span className="num-inline">{formatPct(r.probability)}</span> <CategoryBadge category={r.category} /></>) : <span className="muted">—</span>}
                      </td>
                    );
                  })}
                  <td>
                    {p.lastAssessmentAt ? p.lastAssessmentAt.slice(0, 10) : <span className="muted">never</span>}
                    {p.recordChangedSinceScore && (
                      <span
                        className="stale-flag"
                        data-testid="list-record-changed"
                        title={`The record changed since this score: ${p.recordChangedSinceScore.parts.map((x) => RECORD_PART_LABEL[x]).join(", ")}`}
                      >
                        record changed since this score: {p.recordChangedSinceScore.parts.map((x) => RECORD_PART_LABEL[x]).join(", ")}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
              {page.items.length === 0 && (
                <tr><td colSpan={5 + heads.length} className="muted">No patients match “{search.q}”.</td></tr>
              )}
            </tbody>
          </table>
        </div>
        <nav className="pager" aria-label="Pages">
          <span>
            {page.totalIsLowerBound ? `More than ${page.total.toLocaleString("en-GB")} patients` : `${page.total.toLocaleString("en-GB")} patient${page.total === 1 ? "" : "s"}`} · page {search.page}
            {page.totalIsLowerBound ? "" : ` of ${pages}`}
          </span>
          {search.page > 1 && <a href={link(search.page - 1)}>← Previous</a>}
          {(search.page < pages || page.totalIsLowerBound) && <a href={link(search.page + 1)}>Next →</a>}
        </nav>
      </main>
    </>
  );
}
