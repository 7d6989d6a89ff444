/**
 * A TRIPOD+AI-style model card (Collins et al., BMJ 2024;385:e078378), generated from the
 * candidate's manifest (candidate.ts) and its evaluation (evaluation.ts): intended use, data,
 * outcome and predictors, missing data, analysis, performance with CIs, comparisons, subgroups
 * with observed/expected ratios, decision curves, risk categories with the rationale for their
 * cut-offs, the image out-of-distribution check, limitations and what is needed to reproduce it.
 * `cardMarkdown` renders the same content as report.md.
 */
import type { CandidateManifest, CandidateEvaluation } from "./candidate";
import type { EvaluationReport, HeadReport, MetricSet } from "./evaluation";
import type { Estimate } from "./metrics";

export const CATEGORY_RATIONALE: Record<string, string> = {
  lung_cancer_2y:
    "High from 10%: the British Thoracic Society pulmonary nodule guideline (2015) offers PET-CT when the Brock model's malignancy risk is 10% or more, so 10% is a risk at which clinicians already act. Moderate from 3%: no guideline gives a 2-year lung-cancer risk threshold; 3% is a demonstration choice, about twice the 6-year PLCOm2012 risk (1.51%) at which lung screening is offered, meant to mark patients above screening-level risk. Neither cut-off was derived from data; the decision curve at 3% and 10% and the observed rate per category below are the evidence a site needs to keep or change them.",
  mace_5y:
    "Taken from the 2018 AHA/ACC cholesterol guideline's 10-year ASCVD risk bands (intermediate 7.5% to < 20%, high ≥ 20%), where they guide statin treatment. Those bands are defined on a 10-year horizon; this head predicts 5 years, so the same numbers mark patients at a higher long-term risk than the guideline's bands (they are stricter than intended). Not re-derived for this model; see the decision curve and the observed rate per category.",
};

const pct = (v: number, d = 1) => (Number.isFinite(v) ? `${(v * 100).toFixed(d)}%` : "n/a");
export const fmtEst = (e: Estimate | undefined, d = 3) => (e && Number.isFinite(e.value) ? `${e.value.toFixed(d)} (${Number.isFinite(e.lo) ? e.lo.toFixed(d) : "?"}–${Number.isFinite(e.hi) ? e.hi.toFixed(d) : "?"})` : "n/a");
const signed = (e: Estimate | undefined, d = 3) => (e && Number.isFinite(e.value) ? `${e.value >= 0 ? "+" : ""}${fmtEst(e, d)}` : "n/a");

export type GeometryRow = { transform: string; header: string; n: number; flagged: number; medianDistance: number; auroc?: Record<string, number> };
export type CardExtras = {
  /** the comparison with the active version and the baselines on the same test patients (api.evaluateCandidate) */
  comparison?: EvaluationReport | null;
  /** image out-of-distribution check of the bundle (ood.json evaluation) and the geometry flag rates (ood-geometry.ts) */
  ood?: { threshold: number; evaluation: Record<string, unknown> } | null;
  geometry?: { model: string; rows: GeometryRow[] }[] | null;
  notes?: string[];
  /** the record-only path on real data (npm run wisconsin): summary for card.json, section for report.md */
  realData?: { summary: Record<string, unknown>; markdown: string } | null;
};

function headSummary(h: HeadReport, model: string) {
  const m = h.metrics[model];
  return {
    n: h.n,
    patients: h.patients,
    events: h.events,
    prevalence: h.prevalence,
    metrics: m,
    netBenefit: Object.fromEntries(h.thresholds.map((t) => [String(t), { model: m[`nb@${t}`], treatAll: h.treatAll[`nb@${t}`] }])),
  };
}

export function buildCard(man: CandidateManifest, ev: CandidateEvaluation, x: CardExtras = {}) {
  const synthetic = man.snapshot.provenance?.kind === "synthetic";
  return {
    card: "TRIPOD+AI-style model card (generated)",
    model: { name: man.name, version: man.version, strategy: man.strategy, servable: man.servable, createdAt: man.createdAt, weightsSha256: man.weightsSha256, weightFiles: man.weightFiles, seed: man.seed, snapshotSha256: man.snapshot.sha256, codeCommit: man.training.codeCommit ?? null },
    intendedUse: {
      purpose: "Research use only: estimating per-patient risk of the outcomes below from the coded record and, where available, one axial CT slice, to study multimodal fusion on the institution's own data. Not a medical device; not for diagnosis, triage or treatment decisions.",
      users: "Researchers and model reviewers; in shadow mode, scores are stored but not shown to clinicians.",
      outOfScope: ["Any clinical decision", "Patients or images unlike the training snapshot (other populations, body parts, modalities)", "Heads or horizons other than those listed"],
    },
    data: {
      snapshot: man.snapshot,
      kind: synthetic ? "synthetic cohort (models/fusion/cohort.ts)" : "training snapshot (de-identified research export)",
      unitOfAnalysis: "patient assessment; split by patient (all rows of a patient in one partition)",
      split: man.split,
      outcomes: man.heads.map((h) => ({ head: h, label: man.headLabels[h] })),
      outcomeDefinition: "label_<head> of the snapshot: 1 = outcome within the head's horizon after the assessment, 0 = horizon elapsed without it, empty = follow-up incomplete (censored: left out of training and evaluation for that head)",
      predictors: { count: man.features.length, encoderFeatures: man.encoderFeatures, names: man.features, image: man.imageSize ? { size: man.imageSize, preprocessing: man.imageSpec } : null },
      missingData: [
        "Labels not yet known: excluded for that head (no imputation).",
        "No image, or an image the out-of-distribution check rejects: the record-only network scores the assessment (as the served runtime does).",
        ...(man.encoderFeatures ? ["Missing record parts (no diet records, no family history) take the encoder's documented defaults (lib/fusion/encoders.ts), flagged."] : ["Feature columns must be complete; features are standardised with training-row means and SDs."]),
      ],
    },
    analysis: {
      strategy: man.strategy,
      networks: Object.fromEntries(Object.entries(man.networks).map(([k, v]) => [k, { arch: v!.arch, temperature: v!.temperature, training: v!.training }])),
      late: man.late ?? null,
      earlyStrong: man.earlyStrong ?? null,
      training: man.training,
      calibration: "temperature scaling per head on the validation patients",
      classImbalance: "none applied; prevalence reported per head",
      fairness: "subgroup metrics (sex, age band, smoking status) with observed/expected ratios; no fairness constraint in training",
      reproducibility: `bit-identical weights for the same snapshot, seed and backend (${man.training.backend}); weightsSha256 = SHA-256 over the bundle's *.bin files in path order`,
    },
    performance: Object.fromEntries(ev.heads.map((h) => [h.head, headSummary(h, ev.primary)])),
    comparison: x.comparison
      ? Object.fromEntries(x.comparison.heads.map((h) => [h.head, { models: h.metrics, differences: h.diffs, treatAll: h.treatAll, primary: x.comparison!.primary }]))
      : null,
    missingImage: ev.missingImage ? Object.fromEntries(ev.missingImage.heads.map((h) => [h.head, { rows: h.n, models: h.metrics, differences: h.diffs }])) : null,
    subgroups: Object.fromEntries(ev.heads.map((h) => [h.head, h.subgroups])),
    riskCategories: Object.fromEntries(
      ev.heads.map((h) => [h.head, { cutoffs: h.categories, rationale: CATEGORY_RATIONALE[h.head] ?? "No clinical cut-offs are configured for this head; report probabilities only.", observedByCategory: h.categoryTable, netBenefitAtCutoffs: h.categories ? Object.fromEntries(h.categories.map((t) => [String(t), { model: h.metrics[ev.primary][`nb@${t}`], treatAll: h.treatAll[`nb@${t}`] }])) : null }]),
    ),
    additionalNotes: x.notes ?? [],
    outOfDistributionCheck: x.ood ?? null,
    imageGeometry: x.geometry ?? null,
    realDataCheck: x.realData ?? null,
    limitations: [
      ...(synthetic ? ["Trained and evaluated on synthetic data from a known generative model; performance on real patients is unknown."] : []),
      "One held-out split of one snapshot (internal validation); no external or temporal validation.",
      "Subgroup estimates with few events have wide intervals; a subgroup without events has no AUROC.",
      "Risk-category cut-offs are not derived from this model's data (see the rationale).",
      ...(man.servable ? [] : [`A ${man.strategy} candidate is an evaluation baseline: the served runtime (lib/fusion) runs joint networks only.`]),
      ...(x.notes ?? []),
    ],
    openScience: { code: "models/fusion (candidate.ts, trainer.ts, evaluation.ts, card.ts)", reproduce: `npm run train -- --data <snapshot ${man.snapshot.sha256.slice(0, 12)}…> --strategy ${man.strategy} --seed ${man.seed}`, data: synthetic ? "reproducible from the generator (seed in the snapshot metadata)" : "the snapshot stays inside the institution" },
    evaluation: { bootstrap: ev.bootstrap, definitions: ev.definitions, testRows: ev.testRows, testPatients: ev.testPatients },
  };
}

// ------------------------------------------------------------------------------------------------
// Markdown

const METRIC_COLS: [string, string, number][] = [
  ["auroc", "AUROC", 3],
  ["auprc", "AUPRC", 3],
  ["brier", "Brier", 3],
  ["ece", "ECE", 3],
  ["calibrationSlope", "cal. slope", 2],
  ["calibrationIntercept", "cal. intercept", 2],
  ["oe", "O/E", 2],
];

export function metricsTable(h: HeadReport, models: string[]): string[] {
  return [
    `| model | ${METRIC_COLS.map(([, l]) => l).join(" | ")} |`,
    `|---|${METRIC_COLS.map(() => "---").join("|")}|`,
    ...models.map((m) => `| ${m} | ${METRIC_COLS.map(([k, , d]) => fmtEst(h.metrics[m][k], d)).join(" | ")} |`),
  ];
}

export function netBenefitTable(h: HeadReport, models: string[]): string[] {
  return [
    `| threshold | ${models.join(" | ")} | treat all |`,
    `|---|${models.map(() => "---").join("|")}|---|`,
    ...h.thresholds.map((t) => `| ${pct(t, 1)}${h.categories?.includes(t) ? " (cut-off)" : ""} | ${models.map((m) => fmtEst(h.metrics[m][`nb@${t}`], 4)).join(" | ")} | ${fmtEst(h.treatAll[`nb@${t}`], 4)} |`),
  ];
}

export function diffTable(h: HeadReport, primary: string): string[] {
  const others = Object.keys(h.diffs);
  if (!others.length) return [];
  const keys: [string, string, number][] = [
    ["auroc", "ΔAUROC", 3],
    ["auprc", "ΔAUPRC", 3],
    ["brier", "ΔBrier", 4],
    ...(h.categories ?? []).map((t): [string, string, number] => [`nb@${t}`, `ΔNB@${pct(t, 1)}`, 4]),
  ];
  return [`| ${primary} − | ${keys.map(([, l]) => l).join(" | ")} |`, `|---|${keys.map(() => "---").join("|")}|`, ...others.map((m) => `| ${m} | ${keys.map(([k, , d]) => signed(h.diffs[m][k], d)).join(" | ")} |`)];
}

export function subgroupTable(h: HeadReport): string[] {
  const cut = h.categories ?? [];
  return [
    `| subgroup | n | events | AUROC | Brier | cal. slope | cal. intercept | O/E${cut.map((t) => ` | NB@${pct(t, 1)}`).join("")} |`,
    `|---|---|---|---|---|---|---|---${cut.map(() => "|---").join("")}|`,
    ...h.subgroups.map((s: { variable: string; level: string; n: number; events: number; metrics: MetricSet }) =>
      `| ${s.variable}: ${s.level} | ${s.n} | ${s.events} | ${fmtEst(s.metrics.auroc)} | ${fmtEst(s.metrics.brier)} | ${fmtEst(s.metrics.calibrationSlope, 2)} | ${fmtEst(s.metrics.calibrationIntercept, 2)} | ${fmtEst(s.metrics.oe, 2)}${cut.map((t) => ` | ${fmtEst(s.metrics[`nb@${t}`], 4)}`).join("")} |`,
    ),
  ];
}

export function geometryMarkdown(geometry: NonNullable<CardExtras["geometry"]>): string[] {
  const lines: string[] = [];
  for (const g of geometry) {
    const aurocKeys = [...new Set(g.rows.flatMap((r) => Object.keys(r.auroc ?? {})))];
    lines.push(`**${g.model}**`, "", `| images | header | n | flagged | median distance${aurocKeys.map((k) => ` | AUROC ${k}`).join("")} |`, `|---|---|---|---|---${aurocKeys.map(() => "|---").join("")}|`);
    for (const r of g.rows) lines.push(`| ${r.transform} | ${r.header} | ${r.n} | ${Number.isFinite(r.flagged) ? pct(r.flagged) : "—"} | ${Number.isFinite(r.medianDistance) ? r.medianDistance.toFixed(1) : "—"}${aurocKeys.map((k) => ` | ${r.auroc?.[k] !== undefined ? r.auroc[k].toFixed(3) : "—"}`).join("")} |`);
    lines.push("");
  }
  return lines;
}

export function cardMarkdown(man: CandidateManifest, ev: CandidateEvaluation, x: CardExtras = {}): string {
  const card = buildCard(man, ev, x);
  const L: string[] = [
    `# ${man.name} ${man.version} — ${man.strategy} — model card and evaluation`,
    "",
    "**Research use only — not for clinical use.** Generated by models/fusion/card.ts (TRIPOD+AI-style).",
    "",
    `Weights SHA-256 \`${man.weightsSha256}\` · snapshot SHA-256 \`${man.snapshot.sha256}\` (${man.snapshot.rows} rows) · seed ${man.seed} · code ${man.training.codeCommit ? `\`${man.training.codeCommit.slice(0, 12)}${man.training.codeCommit.endsWith("+dirty") ? "+dirty" : ""}\`` : "unknown"} · backend \`${man.training.backend}\` · servable: ${man.servable ? "yes (joint network + record-only fallback)" : "no (evaluation baseline)"}.`,
    "",
    "## Intended use",
    "",
    card.intendedUse.purpose,
    "",
    "## Data",
    "",
    `Source: ${card.data.kind}. Unit of analysis: ${card.data.unitOfAnalysis}: ${(["train", "val", "test"] as const).map((k) => `${k} ${man.split.rows[k]} rows / ${man.split.patients[k]} patients`).join(", ")} (${man.split.method}).`,
    "",
    `Outcomes: ${card.data.outcomes.map((o) => `\`${o.head}\` (${o.label})`).join(", ")}. ${card.data.outcomeDefinition}.`,
    "",
    `Predictors: ${man.features.length} record features${man.encoderFeatures ? " (the fusion encoder's vector, lib/fusion/encoders.ts)" : ""}${man.imageSize ? ` and a ${man.imageSize}×${man.imageSize} image (${man.imageSpec?.resize ?? "unknown"} preprocessing)` : ""}.`,
    "",
    "Missing data: " + card.data.missingData.join(" "),
    "",
    "## Model",
    "",
    `Strategy **${man.strategy}**. ${Object.entries(man.networks).map(([k, v]) => `${k}: ${"reusedFrom" in v!.training ? "reused" : `best epoch ${v!.training.bestEpoch}/${v!.training.epochsRun}, ${v!.training.seconds.toFixed(0)} s, ${v!.training.trainRows} training rows`}, T = ${v!.temperature.map((t) => t.toFixed(2)).join("/")}`).join("; ")}.`,
    ...(man.late ? ["", `Late fusion: ${man.late.form}.`] : []),
    ...(man.earlyStrong ? ["", `Strong early-fusion baseline: ${man.earlyStrong.form}. L2 penalty per head (chosen on validation log-loss): ${man.earlyStrong.l2.join(", ")}. Image features: ${man.earlyStrong.imageFeatures}.`] : []),
    "",
    `Training: ${JSON.stringify(man.training.options)}; ${man.training.seconds.toFixed(0)} s on ${man.training.machine}, Node ${man.training.node}, tfjs ${man.training.tfjs}. ${card.analysis.reproducibility}.`,
    "",
    `## Performance on the held-out test patients (${ev.testRows} rows, ${ev.testPatients} patients)`,
    "",
    `95% CIs: percentile bootstrap over patients, ${ev.bootstrap.B} resamples (subgroups ${ev.bootstrap.subgroupB}), paired across models.`,
    "",
  ];
  for (const h of ev.heads) {
    const models = Object.keys(h.metrics);
    L.push(`### ${man.headLabels[h.head] ?? h.head} (\`${h.head}\`) — n = ${h.n}, events ${h.events} (${pct(h.prevalence)})`, "", ...metricsTable(h, models), "", "Decision curve (net benefit):", "", ...netBenefitTable(h, models), "");
    if (h.categoryTable) {
      L.push(`Risk categories (cut-offs ${h.categories!.map((t) => pct(t, 1)).join(", ")}): ${CATEGORY_RATIONALE[h.head] ?? ""}`, "", "| category | range | n | events | observed | mean predicted |", "|---|---|---|---|---|---|");
      for (const c of h.categoryTable) L.push(`| ${c.category} | ${pct(c.from, 1)}–${pct(c.to, 1)} | ${c.n} | ${c.events} | ${pct(c.observed)} | ${pct(c.meanPredicted)} |`);
      L.push("");
    }
    L.push(`Subgroups (${ev.primary}):`, "", ...subgroupTable(h), "", `![ROC](plots/roc-${h.head}.svg) ![Calibration](plots/calibration-${h.head}.svg) ![Decision curve](plots/decision-${h.head}.svg)`, "");
  }
  if (x.comparison) {
    L.push(`## Comparison on the same test patients (${x.comparison.testRows} rows)`, "", `Primary: **${x.comparison.primary}**. Every model scores every test row; rows without an image use each model's record-only fallback.`, "");
    for (const h of x.comparison.heads)
      L.push(`### ${h.head}`, "", ...metricsTable(h, Object.keys(h.metrics)), "", ...diffTable(h, x.comparison.primary), "", ...netBenefitTable(h, Object.keys(h.metrics)), "", `![ROC](comparison/plots/roc-${h.head}.svg) ![Calibration](comparison/plots/calibration-${h.head}.svg) ![Decision curve](comparison/plots/decision-${h.head}.svg)`, "");
  }
  if (ev.missingImage) {
    L.push(`## A missing image: the joint network itself vs switching to the record-only network`, "", `The test rows that have an image (${ev.missingImage.testRows}), scored with the image withheld: the joint network with a zeroed image embedding (it was trained with modality dropout ${man.training.options.modalityDropout}) against the record-only network, with the joint network given the image as reference.`, "");
    for (const h of ev.missingImage.heads) L.push(`### ${h.head}`, "", ...metricsTable(h, Object.keys(h.metrics)), "", ...diffTable(h, ev.missingImage.primary), "");
  }
  if (x.ood) {
    L.push("## Image out-of-distribution check", "", `Mahalanobis distance of the pooled image features to the training images; threshold ${x.ood.threshold.toFixed(2)} (99.5th percentile of validation images).`, "", "| images | n | flagged | median distance |", "|---|---|---|---|");
    for (const [k, v] of Object.entries(x.ood.evaluation)) {
      const e = v as { n: number; flagged: number; medianDistance?: number; distance?: number };
      L.push(`| ${k} | ${e.n} | ${pct(e.flagged)} | ${(e.medianDistance ?? e.distance ?? NaN).toFixed(1)} |`);
    }
    L.push("");
  }
  if (x.geometry?.length) L.push("## Image geometry: flag rates for mirrored, shifted, rotated and rescaled images", "", ...geometryMarkdown(x.geometry));
  if (x.realData) L.push(x.realData.markdown.trim(), "");
  L.push("## Limitations", "", ...card.limitations.map((l) => `- ${l}`), "", "## Reproduce", "", `\`${card.openScience.reproduce}\``, "");
  return L.join("\n");
}
