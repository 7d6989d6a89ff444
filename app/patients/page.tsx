import { headers } from "next/headers";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { audit } from "@/lib/auth/audit";
import { prisma } from "@/lib/db/client";
import { searchPatients } from "@/lib/db/patients";
import { PatientSearch, ageOn, todayIso } from "@/lib/domain";

export const dynamic = "force-dynamic";

type SP = Promise<Record<string, string | string[] | undefined>>;

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
  const db = await prisma();
  const page = await searchPatients(db, search);
  const h = await headers();
  await audit(db, {
    actor,
    action: "patient.search",
    entityType: "Patient",
    outcome: "success",
    request: { clientAddress: h.get("x-forwarded-for"), userAgent: h.get("user-agent"), source: "page" },
    details: { q: search.q, page: search.page, returned: page.items.length },
  });
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const link = (p: number) => `/patients?${new URLSearchParams({ q: search.q, page: String(p), sort: search.sort })}`;
  const today = todayIso();

  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>Patients</h1>
        <form className="search" role="search" action="/patients" method="get">
          <label htmlFor="q" className="sr-only">
            Search by name or MRN
          </label>
          <input id="q" name="q" type="search" defaultValue={search.q} placeholder="Search by name or MRN" autoComplete="off" />
          <label htmlFor="sort" className="muted">
            Sort
          </label>
          <select id="sort" name="sort" defaultValue={search.sort}>
            <option value="name">Name A–Z</option>
            <option value="-name">Name Z–A</option>
            <option value="mrn">MRN</option>
            <option value="-birthDate">Youngest first</option>
            <option value="birthDate">Oldest first</option>
            <option value="-updated">Recently updated</option>
          </select>
          <button type="submit">Search</button>
        </form>
        {!parsed.success && <p className="error-box">The search was not understood; showing all patients.</p>}
        <div className="panel" style={{ padding: 0 }}>
          <table aria-label="Patients">
            <thead>
              <tr>
                <th>Name</th>
                <th>MRN</th>
                <th className="num">Age</th>
                <th>Sex</th>
                <th>Born</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <a href={`/patients/${p.id}`}>
                      {p.familyName}, {p.givenName}
                    </a>
                  </td>
                  <td>{p.mrn}</td>
                  <td className="num">{ageOn(p.birthDate, today)}</td>
                  <td>{p.sex}</td>
                  <td>{p.birthDate}</td>
                </tr>
              ))}
              {page.items.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No patients match “{search.q}”.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <nav className="pager" aria-label="Pages">
          <span>
            {page.total} patient{page.total === 1 ? "" : "s"} · page {search.page} of {pages}
          </span>
          {search.page > 1 && <a href={link(search.page - 1)}>← Previous</a>}
          {search.page < pages && <a href={link(search.page + 1)}>Next →</a>}
        </nav>
      </main>
    </>
  );
}
