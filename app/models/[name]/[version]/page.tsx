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
  const shown = new Set(["name", "version", "createdAt", "intendedUse", "outOfScope", "fusionStrategy", "heads", "inputSpec", "limitations", "metrics", "trainingData", "calibration", "uncertainty", "outOfDistributionCheck"]);

  return (
    <>
      <TopBar actor={actor} />
      <main className="model-card">
        <nav className="crumbs"><Link href="/models">← Models</Link></nav>
        <h1>{m.name} {m.version}</h1>
        <p className="research-label">Synthetic demo model — research use only, not for diagnosis.</p>
        <dl className="demographics">
          <div><dt>Fusion strategy</dt><dd>{m.strategy ?? text(card.fusionStrategy) ?? "—"}</dd></div>
          <div><dt>Outcomes</dt><dd>{m.heads.join(", ") || "—"}</dd></div>
          <div><dt>Status</dt><dd>{m.status ? <span className={`badge status-${m.status}`} data-testid="model-status">{m.status}</span> : m.active ? "active" : "not registered"}</dd></div>
          <div><dt>Created</dt><dd>{m.createdAt?.slice(0, 10) ?? "—"}</dd></div>
          <div><dt>Assessments</dt><dd>{m.assessments}</dd></div>
        </dl>
        {m.registry && (
          <section className="panel" aria-labelledby="h-registry" style={{ marginTop: "1rem" }}>
            <h2 id="h-registry">Registry</h2>
            <dl className="kv" data-testid="registry-provenance">
              <div><dt>Weights SHA-256</dt><dd><code>{m.registry.weightsSha256 ?? "— (shipped bundle)"}</code></dd></div>
              <div><dt>Snapshot SHA-256</dt><dd><code>{m.registry.snapshotSha256 ?? "—"}</code></dd></div>
              <div><dt>Code commit</dt><dd><code>{m.registry.codeCommit ?? "—"}</code></dd></div>
              <div><dt>Seed</dt><dd>{m.registry.seed ?? "—"}</dd></div>
              <div><dt>Last decision</dt><dd>{m.registry.statusReason ? `${m.registry.statusChangedAt?.slice(0, 16).replace("T", " ")}: ${m.registry.statusReason}` : "—"}</dd></div>
              {m.registry.previousActive && <div><dt>Replaced</dt><dd>{m.registry.previousActive}</dd></div>}
            </dl>
            {m.status && roleMay(actor.role, "model:admin") && <RegistryActions name={m.name} version={m.version} status={m.status} />}
          </section>
        )}
        {(m.status === "shadow" || shadow) && (
          <section className="panel" aria-labelledby="h-shadow">
            <h2 id="h-shadow">Shadow vs active on the same assessments</h2>
            {shadow ? (
              <>
                <p className="small muted">{shadow.assessments} assessments scored silently by this version (never shown to clinicians as the score), compared with what {shadow.activeVersions.join(", ")} showed. AUROC only on patients whose outcome after the assessment is known.</p>
                <table data-testid="shadow-comparison">
                  <thead><tr><th>Outcome</th><th className="num">Assessments</th><th className="num">Same category</th><th className="num">Mean |Δ risk|</th><th className="num">With outcome (events)</th><th className="num">AUROC active</th><th className="num">AUROC shadow</th></tr></thead>
                  <tbody>
                    {shadow.heads.map((h) => (
                      <tr key={h.head}><td>{h.head}</td><td className="num">{h.n}</td><td className="num">{pct(h.agreement)}</td><td className="num">{h.meanAbsDelta === null ? "—" : `${(h.meanAbsDelta * 100).toFixed(2)} pp`}</td><td className="num">{h.labelled} ({h.events})</td><td className="num">{h.aurocActive?.toFixed(3) ?? "—"}</td><td className="num">{h.aurocShadow?.toFixed(3) ?? "—"}</td></tr>
                    ))}
                  </tbody>
                </table>
              </>
            ) : (
              <p className="small muted" data-testid="shadow-comparison">No assessment has been scored by this version in shadow yet: new assessments are scored by it silently from now on.</p>
            )}
          </section>
        )}
        {m.registry?.trainingJobId && obj(metrics.test) && (
          <section className="panel" aria-labelledby="h-candidate-metrics">
            <h2 id="h-candidate-metrics">Held-out test patients (95% bootstrap CIs)</h2>
            <table className="metrics" data-testid="candidate-metrics">
              <thead><tr><th>Outcome</th><th className="num">Patients</th><th className="num">Events</th>{METRICS.map(([, l]) => <th key={l} className="num">{l}</th>)}</tr></thead>
              <tbody>
                {Object.entries(obj(metrics.test)!).map(([head, hv]) => (
                  <tr key={head}><td>{head}</td><td className="num">{String(obj(hv)?.n ?? "—")}</td><td className="num">{String(obj(hv)?.events ?? "—")}</td>{METRICS.map(([k]) => <td key={k} className="num">{isEst(obj(hv)?.[k]) ? f3(obj(hv)![k] as Estimate) : "—"}</td>)}</tr>
                ))}
              </tbody>
            </table>
            <p className="small muted">Subgroups, calibration and decision curves: the evaluation report below.</p>
          </section>
        )}
        {!m.card && (
          <p className="notice" style={{ marginTop: "1rem" }}>
            No model card has been published for this version yet (no card in the model registry and no models/{m.name}/{m.version}/card.json).
          </p>
        )}
        {m.card && (
          <div className="grid-2" style={{ marginTop: "1rem" }}>
            <section className="panel" aria-labelledby="h-use">
              <h2 id="h-use">Intended use</h2>
              <p>{text(card.intendedUse) ?? "—"}</p>
              {Array.isArray(card.outOfScope) && (
                <>
                  <h3>Out of scope</h3>
                  <ul>{(card.outOfScope as unknown[]).map((x, i) => <li key={i}>{text(x)}</li>)}</ul>
                </>
              )}
              {Array.isArray(card.limitations) && (
                <>
                  <h3>Limitations</h3>
                  <ul>{(card.limitations as unknown[]).map((x, i) => <li key={i}>{text(x)}</li>)}</ul>
                </>
              )}
            </section>
            <section className="panel" aria-labelledby="h-inputs">
              <h2 id="h-inputs">Inputs and outputs</h2>
              {obj(card.inputSpec) && (
                <dl className="kv">{Object.entries(obj(card.inputSpec)!).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{text(v)}</dd></div>)}</dl>
              )}
              {heads.length > 0 && (
                <table>
                  <thead><tr><th>Outcome</th><th className="num">Moderate from</th><th className="num">High from</th></tr></thead>
                  <tbody>
                    {heads.map((h) => (
                      <tr key={h.name}><td>{h.label ?? h.name}</td><td className="num">{h.categories?.moderateFrom !== undefined ? `${(h.categories.moderateFrom * 100).toFixed(1)}%` : "—"}</td><td className="num">{h.categories?.highFrom !== undefined ? `${(h.categories.highFrom * 100).toFixed(1)}%` : "—"}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
              {obj(card.outOfDistributionCheck) && (
                <>
                  <h3>Image out-of-distribution check</h3>
                  <p className="small">
                    {text(obj(card.outOfDistributionCheck)!.method)}; above {typeof obj(card.outOfDistributionCheck)!.threshold === "number" ? (obj(card.outOfDistributionCheck)!.threshold as number).toFixed(2) : "—"}: {text(obj(card.outOfDistributionCheck)!.action)}.
                  </p>
                  <table data-testid="ood-table">
                    <thead><tr><th>Images</th><th className="num">n</th><th className="num">Flagged</th></tr></thead>
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
            <h2 id="h-metrics">Test-set metrics (95% bootstrap CIs)</h2>
            {Object.entries(metrics).map(([head, hv]) => {
              const test = obj(obj(hv)?.test);
              const diffs = obj(obj(hv)?.aurocDifferences);
              return (
                <div key={head} className="metric-head">
                  <h3>{heads.find((h) => h.name === head)?.label ?? head}{typeof obj(hv)?.prevalence === "number" ? <span className="muted"> · prevalence {((obj(hv)!.prevalence as number) * 100).toFixed(1)}%</span> : null}</h3>
                  {test ? (
                    <table className="metrics" data-testid={`metrics-${head}`}>
                      <thead><tr><th>Strategy</th>{METRICS.map(([, l]) => <th key={l} className="num">{l}</th>)}</tr></thead>
                      <tbody>
                        {Object.entries(test).map(([s, sv]) => (
                          <tr key={s} className={s === m.strategy ? "served" : undefined}>
                            <td>{s === "bayes" ? "Bayes-optimal (true risk)" : s}{s === m.strategy ? " (served)" : ""}</td>
                            {METRICS.map(([k]) => <td key={k} className="num">{isEst(obj(sv)?.[k]) ? f3(obj(sv)![k] as Estimate) : "—"}</td>)}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  ) : (
                    <pre className="json">{JSON.stringify(hv, null, 2)}</pre>
                  )}
                  {diffs && (
                    <p className="small">AUROC difference, {m.strategy ?? "served"} − other: {Object.entries(diffs).filter(([, v]) => isEst(v)).map(([s, v]) => `${s} ${f3(v as Estimate)}`).join("; ")}</p>
                  )}
                </div>
              );
            })}
          </section>
        )}
        {m.plots.length > 0 && (
          <section className="panel" aria-labelledby="h-plots">
            <h2 id="h-plots">ROC and calibration</h2>
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
            <h2 id="h-report">Evaluation report</h2>
            <Markdown source={m.reportMd} resolveImage={(src) => (src.startsWith("plots/") ? plotUrl(src.slice(6)) : null)} />
          </section>
        )}
        {m.card && Object.keys(card).some((k) => !shown.has(k)) && (
          <details className="panel"><summary>Everything else on the card</summary><pre className="json">{JSON.stringify(Object.fromEntries(Object.entries(card).filter(([k]) => !shown.has(k))), null, 2)}</pre></details>
        )}
      </main>
    </>
  );
}
