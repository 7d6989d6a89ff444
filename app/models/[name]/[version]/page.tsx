import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { localizeCardText } from "@/lib/domain/model-card-text";
import { localizeOutcomeLabel } from "@/lib/domain/clinical-terms";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TopBar } from "@/app/_components/TopBar";
import { requirePageActor } from "@/lib/auth/page";
import { prisma } from "@/lib/db/client";
import { getModel, isSafeSegment } from "@/lib/db/models";
import { NotFoundError } from "@/lib/domain/errors";
import { Markdown } from "./Markdown";
import { RegistryActions } from "./RegistryActions";
import { roleMay } from "@/lib/auth/permissions";
import { compareShadow } from "@/lib/training/shadow";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ name: string; version: string }> }): Promise<Metadata> {
  const { name, version } = await params;
  return { title: `${decodeURIComponent(name)} ${decodeURIComponent(version)}` };
}

type Estimate = { value: number; lo: number; hi: number };
const isEst = (v: unknown): v is Estimate => !!v && typeof v === "object" && typeof (v as Estimate).value === "number";
const f3 = (e: Estimate) => `${e.value.toFixed(3)} (${e.lo.toFixed(3)}–${e.hi.toFixed(3)})`;
const METRICS: [string, string][] = [["auroc", "AUROC"], ["auprc", "AUPRC"], ["brier", "Brier"], ["ece", "ECE"]];
const obj = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const text = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? null : JSON.stringify(v));

export default async function ModelCardPage({ params }: { params: Promise<{ name: string; version: string }> }) {
  const actor = await requirePageActor("model:read");
  const { name, version } = await params;
  if (!isSafeSegment(decodeURIComponent(name)) || !isSafeSegment(decodeURIComponent(version))) notFound();
  const m = await getModel(await prisma(), decodeURIComponent(name), decodeURIComponent(version)).catch((e) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const db = await prisma();
  const row = m.registry ? await db.modelVersion.findUnique({ where: { name_version: { name: m.name, version: m.version } }, select: { id: true } }) : null;
  const shadow = row && (await db.shadowScore.count({ where: { modelVersionId: row.id } })) > 0 ? await compareShadow(db, row.id) : null;
  const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
  const card = m.card ?? {};
  const plotUrl = (file: string) => `/api/models/${encodeURIComponent(m.name)}/${encodeURIComponent(m.version)}/plots/${encodeURIComponent(file)}`;
  const heads = Array.isArray(card.heads) ? (card.heads as { name?: string; label?: string; categories?: Record<string, number> }[]) : [];
  const metrics = obj(m.metrics) ?? {};
  const t = await getTranslations("modelCard");
  const tm = await getTranslations("models");
  const locale = await getLocale();
  const say = (v: unknown) => {
    const s = text(v);
    return s === null ? null : localizeCardText(s, locale);
  };
  const shown = new Set(["name", "version", "createdAt", "intendedUse", "outOfScope", "fusionStrategy", "heads", "inputSpec", "limitations", "metrics", "trainingData", "calibration", "uncertainty", "outOfDistributionCheck"]);

  return (
    <>
      <TopBar actor={actor} />
      <main className="model-card">
        <nav className="crumbs"><Link href="/models">{t("back")}</Link></nav>
        <h1>{m.name} {m.version}</h1>
        <p className="research-label">{t("researchLabel")}</p>
        <dl className="demographics">
          <div><dt>{t("strategy")}</dt><dd>{m.strategy ?? text(card.fusionStrategy) ?? "—"}</dd></div>
          <div><dt>{t("outcomes")}</dt><dd>{m.heads.join(", ") || "—"}</dd></div>
          <div><dt>{t("status")}</dt><dd>{m.status ? <span className={`badge status-${m.status}`} data-testid="model-status">{tm(`statuses.${m.status}`)}</span> : m.active ? tm("active") : t("notRegistered")}</dd></div>
          <div><dt>{t("created")}</dt><dd>{m.createdAt?.slice(0, 10) ?? "—"}</dd></div>
          <div><dt>{t("assessments")}</dt><dd>{m.assessments}</dd></div>
        </dl>
        {m.registry && (
          <section className="panel" aria-labelledby="h-registry" style={{ marginTop: "1rem" }}>
            <h2 id="h-registry">{t("registry")}</h2>
            <dl className="kv" data-testid="registry-provenance">
              <div><dt>{t("weights")}</dt><dd><code>{m.registry.weightsSha256 ?? t("shipped")}</code></dd></div>
              <div><dt>{t("snapshot")}</dt><dd><code>{m.registry.snapshotSha256 ?? "—"}</code></dd></div>
              <div><dt>{t("commit")}</dt><dd><code>{m.registry.codeCommit ?? "—"}</code></dd></div>
              <div><dt>{t("seed")}</dt><dd>{m.registry.seed ?? "—"}</dd></div>
              <div><dt>{t("lastDecision")}</dt><dd>{m.registry.statusReason ? `${m.registry.statusChangedAt?.slice(0, 16).replace("T", " ")}: ${m.registry.statusReason}` : "—"}</dd></div>
              {m.registry.previousActive && <div><dt>{t("replaced")}</dt><dd>{m.registry.previousActive}</dd></div>}
            </dl>
            {m.status && roleMay(actor.role, "model:admin") && <RegistryActions name={m.name} version={m.version} status={m.status} />}
          </section>
        )}
        {(m.status === "shadow" || shadow) && (
          <section className="panel" aria-labelledby="h-shadow">
            <h2 id="h-shadow">{t("shadowHeading")}</h2>
            {shadow ? (
              <>
                <p className="small muted">{t("shadowText", { count: shadow.assessments, versions: shadow.activeVersions.join(", ") })}</p>
                <table data-testid="shadow-comparison">
                  <thead><tr><th>{t("outcome")}</th><th className="num">{t("assessments")}</th><th className="num">{t("sameCategory")}</th><th className="num">{t("meanDelta")}</th><th className="num">{t("withOutcome")}</th><th className="num">{t("aurocActive")}</th><th className="num">{t("aurocShadow")}</th></tr></thead>
                  <tbody>
                    {shadow.heads.map((h) => (
                      <tr key={h.head}><td>{h.head}</td><td className="num">{h.n}</td><td className="num">{pct(h.agreement)}</td><td className="num">{h.meanAbsDelta === null ? "—" : `${(h.meanAbsDelta * 100).toFixed(2)} pp`}</td><td className="num">{h.labelled} ({h.events})</td><td className="num">{h.aurocActive?.toFixed(3) ?? "—"}</td><td className="num">{h.aurocShadow?.toFixed(3) ?? "—"}</td></tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <p className="small muted" data-testid="shadow-comparison">{t("noShadow")}</p>
            )}
          </section>
        )}
        {m.registry?.trainingJobId && obj(metrics.test) && (
          <section className="panel" aria-labelledby="h-candidate-metrics">
            <h2 id="h-candidate-metrics">{t("heldOut")}</h2>
            <table className="metrics" data-testid="candidate-metrics">
              <thead><tr><th>{t("outcome")}</th><th className="num">{t("patients")}</th><th className="num">{t("events")}</th>{METRICS.map(([, l]) => <th key={l} className="num">{l}</th>)}</tr></thead>
              <tbody>
                {Object.entries(obj(metrics.test)!).map(([head, hv]) => (
                  <tr key={head}><td>{head}</td><td className="num">{String(obj(hv)?.n ?? "—")}</td><td className="num">{String(obj(hv)?.events ?? "—")}</td>{METRICS.map(([k]) => <td key={k} className="num">{isEst(obj(hv)?.[k]) ? f3(obj(hv)![k] as Estimate) : "—"}</td>)}</tr>
                ))}
              </tbody>
            </table>
            <p className="small muted">{t("subgroups")}</p>
          </section>
        )}
        {!m.card && (
          <p className="notice" style={{ marginTop: "1rem" }}>
            {t("noCard", { name: m.name, version: m.version })}
          </p>
        )}
        {m.card && (
          <div className="grid-2" style={{ marginTop: "1rem" }}>
            <section className="panel" aria-labelledby="h-use">
              <h2 id="h-use">{t("intendedUse")}</h2>
              <p>{say(card.intendedUse) ?? "—"}</p>
              {Array.isArray(card.outOfScope) && (
                <>
                  <h3>{t("outOfScope")}</h3>
                  <ul>{(card.outOfScope as unknown[]).map((x, i) => <li key={i}>{say(x)}</li>)}</ul>
                </>
              )}
              {Array.isArray(card.limitations) && (
                <>
                  <h3>{t("limitations")}</h3>
                  <ul>{(card.limitations as unknown[]).map((x, i) => <li key={i}>{say(x)}</li>)}</ul>
                </>
              )}
            </section>
            <section className="panel" aria-labelledby="h-inputs">
              <h2 id="h-inputs">{t("inputs")}</h2>
              {obj(card.inputSpec) && (
                <dl className="kv">{Object.entries(obj(card.inputSpec)!).map(([k, v]) => <div key={k}><dt>{k === "image" || k === "tabular" ? t(`inputKeys.${k}`) : k}</dt><dd>{say(v)}</dd></div>)}</dl>
              )}
              {heads.length > 0 && (
                <table>
                  <thead><tr><th>{t("outcome")}</th><th className="num">{t("moderateFrom")}</th><th className="num">{t("highFrom")}</th></tr></thead>
                  <tbody>
                    {heads.map((h) => (
                      <tr key={h.name}><td>{h.label ? localizeOutcomeLabel(h.label, locale) : h.name}</td><td className="num">{h.categories?.moderateFrom !== undefined ? `${(h.categories.moderateFrom * 100).toFixed(1)}%` : "—"}</td><td className="num">{h.categories?.highFrom !== undefined ? `${(h.categories.highFrom * 100).toFixed(1)}%` : "—"}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
              {obj(card.outOfDistributionCheck) && (
                <>
                  <h3>{t("ood")}</h3>
                  <p className="small">
                    {say(obj(card.outOfDistributionCheck)!.method)}; {t("above")} {typeof obj(card.outOfDistributionCheck)!.threshold === "number" ? (obj(card.outOfDistributionCheck)!.threshold as number).toFixed(2) : "—"}: {say(obj(card.outOfDistributionCheck)!.action)}.
                  </p>
                  <table data-testid="ood-table">
                    <thead><tr><th>{t("images")}</th><th className="num">n</th><th className="num">{t("flagged")}</th></tr></thead>
                    <tbody>
                      {Object.entries(obj(obj(card.outOfDistributionCheck)!.evaluation) ?? {}).map(([k, v]) => (
                        <tr key={k}><td>{k}</td><td className="num">{String(obj(v)?.n ?? "—")}</td><td className="num">{typeof obj(v)?.flagged === "number" ? `${((obj(v)!.flagged as number) * 100).toFixed(1)}%` : "—"}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
              {(["trainingData", "calibration", "uncertainty"] as const).map((k) =>
                obj(card[k]) ? (
                  <details key={k}><summary>{k.replace(/([A-Z])/g, " $1").toLowerCase()}</summary><pre className="json">{JSON.stringify(card[k], null, 2)}</pre></details>
                ) : null,
              )}
            </section>
          </div>
        )}
        {Object.keys(metrics).length > 0 && !m.registry?.trainingJobId && (
          <section className="panel" aria-labelledby="h-metrics">
            <h2 id="h-metrics">{t("metrics")}</h2>
            {Object.entries(metrics).map(([head, hv]) => {
              const test = obj(obj(hv)?.test);
              const diffs = obj(obj(hv)?.aurocDifferences);
              return (
                <div key={head} className="metric-head">
                  <h3>{localizeOutcomeLabel(heads.find((h) => h.name === head)?.label ?? head, locale)}{typeof obj(hv)?.prevalence === "number" ? <span className="muted">{t("prevalence", { value: `${((obj(hv)!.prevalence as number) * 100).toFixed(1)}%` })}</span> : null}</h3>
                  {test ? (
                    <table className="metrics" data-testid={`metrics-${head}`}>
                      <thead><tr><th>{t("strategyCol")}</th>{METRICS.map(([, l]) => <th key={l} className="num">{l}</th>)}</tr></thead>
                      <tbody>
                        {Object.entries(test).map(([s, sv]) => (
                          <tr key={s} className={s === m.strategy ? "served" : undefined}>
                            <td>{s === "bayes" ? t("bayes") : s}{s === m.strategy ? t("served") : ""}</td>
                            {METRICS.map(([k]) => <td key={k} className="num">{isEst(obj(sv)?.[k]) ? f3(obj(sv)![k] as Estimate) : "—"}</td>)}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  ) : (
                    <pre className="json">{JSON.stringify(hv, null, 2)}</pre>
                  )}
                  {diffs && (
                    <p className="small">{t("aurocDiff", { strategy: m.strategy ?? "served", diffs: Object.entries(diffs).filter(([, v]) => isEst(v)).map(([s, v]) => `${s} ${f3(v as Estimate)}`).join("; ") })}</p>
                  )}
                </div>
              );
            })}
          </section>
        )}
        {m.plots.length > 0 && (
          <section className="panel" aria-labelledby="h-plots">
            <h2 id="h-plots">{t("plots")}</h2>
            <div className="plots">
              {m.plots.map((p) => (
                // eslint-disable-next-line @next/next/no-img-element -- SVG plots from a session-checked API route (next/image would fetch them without the session)
                <figure key={p}><img src={plotUrl(p)} alt={p.replace(/\.(svg|png)$/, "").replace(/-/g, " ")} width={400} height={380} /><figcaption className="muted small">{p}</figcaption></figure>
              ))}
            </div>
          </section>
        )}
        {m.reportMd && (
          <section className="panel" aria-labelledby="h-report">
            <h2 id="h-report">{t("report")}</h2>
            {locale !== "en" && <p className="muted small">{t("reportLanguage")}</p>}
            <div lang="en">
            <Markdown source={m.reportMd} resolveImage={(src) => (src.startsWith("plots/") ? plotUrl(src.slice(6)) : null)} />
            </div>
          </section>
        )}
        {m.card && Object.keys(card).some((k) => !shown.has(k)) && (
          <details className="panel"><summary>{t("everythingElse")}</summary><pre className="json">{JSON.stringify(Object.fromEntries(Object.entries(card).filter(([k]) => !shown.has(k))), null, 2)}</pre></details>
        )}
      </main>
    </>
  );
}
