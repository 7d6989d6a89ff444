import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { recordPageView } from "@/lib/auth/page-view";
import { prisma } from "@/lib/db/client";
import { listEnteredInError } from "@/lib/jobs/entered-in-error";
import { ScanIdentityFlag } from "@/lib/domain/scan";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("eieAdmin"))("title") };
}

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
  const t = await getTranslations("eieAdmin");
  const tf = await getTranslations("risk.identityFlag");
  return (
    <>
      <TopBar actor={actor} />
      <main>
        <h1>{t("title")}</h1>
        <p className="muted">{t("intro")}</p>
        <section className="panel" aria-labelledby="h-eie-scans">
          <h2 id="h-eie-scans">{t("scans")}</h2>
          <table data-testid="eie-scans">
            <thead>
              <tr><th>{t("when")}</th><th>{t("patient")}</th><th>{t("scan")}</th><th>{t("header")}</th><th>{t("reason")}</th><th>{t("by")}</th></tr>
            </thead>
            <tbody>
              {scans.map((s) => {
                const flag = ScanIdentityFlag.safeParse(s.identityFlag);
                return (
                  <tr key={s.id}>
                    <td>{at(s.enteredInErrorAt)}</td>
                    <td>{s.patient.mrn}</td>
                    <td className="mono">{s.modality} {s.id.slice(0, 8)}</td>
                    <td>{flag.success ? t("attached", { flag: tf(flag.data), reason: s.identityReason ?? "—" }) : t("matched")}</td>
                    <td>{s.enteredInErrorReason}</td>
                    <td>{s.by ?? "—"}</td>
                  </tr>
                );
              })}
              {!scans.length && <tr><td colSpan={6} className="muted">{t("none")}</td></tr>}
            </tbody>
          </table>
        </section>
        <section className="panel" aria-labelledby="h-eie-assessments">
          <h2 id="h-eie-assessments">{t("assessments")}</h2>
          <table data-testid="eie-assessments">
            <thead>
              <tr><th>{t("created")}</th><th>{t("patient")}</th><th>{t("assessment")}</th><th>{t("why")}</th><th>{t("by")}</th></tr>
            </thead>
            <tbody>
              {assessments.map((a) => (
                <tr key={a.id}>
                  <td>{at(a.createdAt)}</td>
                  <td>{a.patient.mrn}</td>
                  <td className="mono">{a.modelName} {a.modelVersion} · {a.status} · {a.id.slice(0, 8)}</td>
                  <td>
                    {a.enteredInErrorAt ? t("entered", { at: at(a.enteredInErrorAt), reason: a.enteredInErrorReason ?? "" }) : t("superseded", { at: at(a.supersededAt), reason: a.supersededReason === "scan_entered_in_error" ? t("scanEie") : (a.supersededReason ?? "") })}
                  </td>
                  <td>{a.by ?? "—"}</td>
                </tr>
              ))}
              {!assessments.length && <tr><td colSpan={5} className="muted">{t("none")}</td></tr>}
            </tbody>
          </table>
        </section>
      </main>
    </>
  );
}
