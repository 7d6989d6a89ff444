import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { audit } from "@/lib/auth/audit";
import { prisma } from "@/lib/db/client";
import { getPatientRecord } from "@/lib/db/patients";
import { NotFoundError, ageOn, dietIntakes, todayIso, uuid, type DietIntakeKey } from "@/lib/domain";

export const dynamic = "force-dynamic";

export default async function PatientRecordPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor("patient:read");
  const { id } = await params;
  if (!uuid.safeParse(id).success) notFound();
  const db = await prisma();
  const record = await getPatientRecord(db, id).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const h = await headers();
  await audit(db, {
    actor,
    action: "patient.read",
    entityType: "Patient",
    entityId: id,
    patientId: id,
    outcome: "success",
    request: { clientAddress: h.get("x-forwarded-for"), userAgent: h.get("user-agent"), source: "page" },
  });
  const intakeKeys = Object.keys(dietIntakes) as DietIntakeKey[];

  return (
    <>
      <TopBar actor={actor} />
      <main>
        <p>
          <Link href="/patients">← Patients</Link>
        </p>
        <h1>
          {record.familyName}, {record.givenName}
        </h1>
        <section className="panel" aria-label="Demographics">
          <dl className="demographics">
            <div><dt>MRN</dt><dd>{record.mrn}</dd></div>
            <div><dt>Born</dt><dd>{record.birthDate}</dd></div>
            <div><dt>Age</dt><dd>{ageOn(record.birthDate, todayIso())}</dd></div>
            <div><dt>Sex</dt><dd>{record.sex}</dd></div>
            <div><dt>Scans</dt><dd>{record.scans.length}</dd></div>
          </dl>
        </section>
        <div className="grid-2">
          <section className="panel" aria-labelledby="h-history">
            <h2 id="h-history">Medical history</h2>
            <table>
              <thead><tr><th>Condition</th><th>Code</th><th>Onset</th><th>Status</th></tr></thead>
              <tbody>
                {record.conditions.map((c) => (
                  <tr key={c.id}>
                    <td>{c.display}</td>
                    <td>{c.codeSystem === "ICD10" ? "ICD-10" : "SNOMED"} {c.code}</td>
                    <td>{c.onsetDate ?? "—"}</td>
                    <td><span className={`badge ${c.status}`}>{c.status}</span></td>
                  </tr>
                ))}
                {!record.conditions.length && <tr><td colSpan={4} className="muted">No conditions recorded.</td></tr>}
              </tbody>
            </table>
          </section>
          <section className="panel" aria-labelledby="h-family">
            <h2 id="h-family">Family history</h2>
            <table>
              <thead><tr><th>Relative</th><th>Condition</th><th className="num">Age at onset</th><th>Deceased</th></tr></thead>
              <tbody>
                {record.familyHistory.map((f) => (
                  <tr key={f.id}>
                    <td>{f.relationship}</td>
                    <td>{f.display} <span className="muted">({f.code})</span></td>
                    <td className="num">{f.ageAtOnset ?? "—"}</td>
                    <td>{f.deceased ? "yes" : "no"}</td>
                  </tr>
                ))}
                {!record.familyHistory.length && <tr><td colSpan={4} className="muted">No family history recorded.</td></tr>}
              </tbody>
            </table>
          </section>
        </div>
        <section className="panel" aria-labelledby="h-diet">
          <h2 id="h-diet">Diet records</h2>
          <table>
            <thead>
              <tr>
                <th>Date</th>
                <th>Method</th>
                {intakeKeys.map((k) => (
                  <th key={k} className="num">{dietIntakes[k].label}<br /><span style={{ textTransform: "none" }}>{dietIntakes[k].unit}</span></th>
                ))}
              </tr>
            </thead>
            <tbody>
              {record.dietRecords.map((d) => (
                <tr key={d.id}>
                  <td>{d.recordedOn}</td>
                  <td>{d.method.replace("recall_24h", "24-h recall").replace("ffq", "FFQ").replace("food_diary", "food diary")}</td>
                  {intakeKeys.map((k) => <td key={k} className="num">{d[k]}</td>)}
                </tr>
              ))}
              {!record.dietRecords.length && <tr><td colSpan={2 + intakeKeys.length} className="muted">No diet records.</td></tr>}
            </tbody>
          </table>
        </section>
      </main>
    </>
  );
}
