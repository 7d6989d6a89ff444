/** Evaluation of all strategies on one held-out test split, plots (SVG) and the markdown report. */
import { HEAD_LABELS, type HeadName } from "./cohort";
import { bootstrap, calibrationCurve, rocCurve, type Estimate, type MetricName } from "./metrics";
import { column } from "./train";

export const STRATEGIES = ["joint", "early", "late", "image_only", "tabular_only"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

export type HeadEvaluation = {
  head: string;
  prevalence: number;
  n: number;
  metrics: Record<StrategyName | "bayes", Record<MetricName, Estimate>>;
  /** joint − X AUROC differences with paired bootstrap CIs */
  diffs: Record<string, Estimate>;
  bestSingle: "image_only" | "tabular_only";
  targets: { jointBeatsBestSingleBy003: boolean; diffCiExcludesZero: boolean; withinBayes002: boolean; eceAtMost003: boolean };
};

export type Evaluation = { heads: HeadEvaluation[]; bootstrapB: number; testN: number };

export function evaluateStrategies(labels: Float32Array, trueRisk: Float32Array, n: number, heads: readonly string[], preds: Record<StrategyName, Float64Array>, B = 400): Evaluation {
  const H = heads.length;
  const out: HeadEvaluation[] = [];
  heads.forEach((head, h) => {
    const y = column(labels, n, H, h);
    const p: Record<string, Float64Array> = { bayes: column(trueRisk, n, H, h) };
    for (const s of STRATEGIES) p[s] = column(preds[s] as unknown as Float32Array, n, H, h);
    const bs = bootstrap(y, p, {
      B,
      seed: 7 + h,
      diffs: [
        ["joint", "image_only"],
        ["joint", "tabular_only"],
        ["joint", "late"],
        ["joint", "early"],
        ["bayes", "joint"],
      ],
    });
    const m = bs.metrics as HeadEvaluation["metrics"];
    const bestSingle = m.image_only.auroc.value >= m.tabular_only.auroc.value ? "image_only" : "tabular_only";
    const dBest = bs.diffs[`joint-${bestSingle}`];
    out.push({
      head,
      n,
      prevalence: y.reduce((s, v) => s + v, 0) / n,
      metrics: m,
      diffs: bs.diffs,
      bestSingle,
      targets: {
        jointBeatsBestSingleBy003: dBest.value >= 0.03,
        diffCiExcludesZero: dBest.lo > 0,
        withinBayes002: m.bayes.auroc.value - m.joint.auroc.value <= 0.02,
        eceAtMost003: m.joint.ece.value <= 0.03,
      },
    });
  });
  return { heads: out, bootstrapB: B, testN: n };
}

// ---------------------------------------------------------------- SVG plots
const COLORS: Record<string, string> = { joint: "#d62728", early: "#9467bd", late: "#ff7f0e", image_only: "#1f77b4", tabular_only: "#2ca02c", bayes: "#444" };

function svgFrame(title: string, xLabel: string, yLabel: string, body: string, legend: [string, string][]): string {
  const W = 420, Hh = 380;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => `<line x1="${50 + t * 300}" y1="330" x2="${50 + t * 300}" y2="335" stroke="#000"/><text x="${50 + t * 300}" y="348" font-size="10" text-anchor="middle">${t}</text><line x1="45" y1="${330 - t * 300}" x2="50" y2="${330 - t * 300}" stroke="#000"/><text x="42" y="${333 - t * 300}" font-size="10" text-anchor="end">${t}</text>`)
    .join("");
  const leg = legend.map(([name, color], i) => `<line x1="262" y1="${258 + i * 14}" x2="280" y2="${258 + i * 14}" stroke="${color}" stroke-width="2"${name === "bayes" ? ' stroke-dasharray="4 3"' : ""}/><text x="284" y="${262 + i * 14}" font-size="10">${name}</text>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Hh}" viewBox="0 0 ${W} ${Hh}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="200" y="16" font-size="12" text-anchor="middle">${title}</text><rect x="50" y="30" width="300" height="300" fill="none" stroke="#000"/>${ticks}<text x="200" y="368" font-size="11" text-anchor="middle">${xLabel}</text><text x="14" y="180" font-size="11" text-anchor="middle" transform="rotate(-90 14 180)">${yLabel}</text>${body}${leg}</svg>`;
}
const pt = (x: number, y: number) => `${(50 + x * 300).toFixed(1)},${(330 - y * 300).toFixed(1)}`;

export function rocSvg(head: string, labels: Float32Array, trueRisk: Float32Array, n: number, H: number, h: number, preds: Record<StrategyName, Float64Array>): string {
  const y = column(labels, n, H, h);
  const series: [string, Float64Array][] = [...STRATEGIES.map((s) => [s, column(preds[s] as unknown as Float32Array, n, H, h)] as [string, Float64Array]), ["bayes", column(trueRisk, n, H, h)]];
  const body =
    `<line x1="50" y1="330" x2="350" y2="30" stroke="#bbb" stroke-dasharray="2 2"/>` +
    series.map(([name, p]) => `<polyline fill="none" stroke="${COLORS[name]}" stroke-width="1.5"${name === "bayes" ? ' stroke-dasharray="4 3"' : ""} points="${rocCurve(y, p, 80).map((r) => pt(r.fpr, r.tpr)).join(" ")}"/>`).join("");
  return svgFrame(`ROC — ${HEAD_LABELS[head as HeadName] ?? head}`, "false positive rate", "true positive rate", body, series.map(([s]) => [s, COLORS[s]]));
}

export function calibrationSvg(head: string, labels: Float32Array, n: number, H: number, h: number, preds: Record<StrategyName, Float64Array>): string {
  const y = column(labels, n, H, h);
  const pick: StrategyName[] = ["joint", "late", "tabular_only", "image_only"];
  let maxP = 0;
  const curves = pick.map((s) => {
    const c = calibrationCurve(y, column(preds[s] as unknown as Float32Array, n, H, h), 10);
    for (const r of c) maxP = Math.max(maxP, r.meanPred, r.observed);
    return [s, c] as const;
  });
  const scale = Math.min(1, Math.ceil(maxP * 10 + 0.5) / 10);
  const body =
    `<line x1="50" y1="330" x2="350" y2="30" stroke="#bbb" stroke-dasharray="2 2"/>` +
    curves.map(([s, c]) => `<polyline fill="none" stroke="${COLORS[s]}" stroke-width="1.5" points="${c.map((r) => pt(r.meanPred / scale, r.observed / scale)).join(" ")}"/>` + c.map((r) => `<circle cx="${(50 + (r.meanPred / scale) * 300).toFixed(1)}" cy="${(330 - (r.observed / scale) * 300).toFixed(1)}" r="2.5" fill="${COLORS[s]}"/>`).join("")).join("");
  return svgFrame(`Calibration — ${HEAD_LABELS[head as HeadName] ?? head} (axes ×${scale})`, `mean predicted probability (÷${scale})`, `observed frequency (÷${scale})`, body, pick.map((s) => [s, COLORS[s]]));
}

// ---------------------------------------------------------------- report
const f3 = (e: Estimate) => `${e.value.toFixed(3)} (${e.lo.toFixed(3)}–${e.hi.toFixed(3)})`;

export function evaluationMarkdown(ev: Evaluation): string {
  const lines: string[] = [];
  for (const he of ev.heads) {
    lines.push(`### ${HEAD_LABELS[he.head as HeadName] ?? he.head} (\`${he.head}\`) — test n = ${he.n}, prevalence ${(he.prevalence * 100).toFixed(1)}%`, "");
    lines.push("| strategy | AUROC (95% CI) | AUPRC (95% CI) | Brier (95% CI) | ECE (95% CI) |", "|---|---|---|---|---|");
    for (const s of [...STRATEGIES, "bayes"] as const) {
      const m = he.metrics[s];
      lines.push(`| ${s === "bayes" ? "**Bayes-optimal (true risk)**" : s} | ${f3(m.auroc)} | ${f3(m.auprc)} | ${f3(m.brier)} | ${f3(m.ece)} |`);
    }
    lines.push("", "| AUROC difference | value (paired bootstrap 95% CI) |", "|---|---|");
    for (const [k, e] of Object.entries(he.diffs)) lines.push(`| ${k.replace("-", " − ")} | ${e.value >= 0 ? "+" : ""}${f3(e)} |`);
    const t = he.targets;
    lines.push(
      "",
      `Targets: joint − best single modality (${he.bestSingle}) ≥ 0.03: **${t.jointBeatsBestSingleBy003 ? "met" : "missed"}**; CI excludes 0: **${t.diffCiExcludesZero ? "met" : "missed"}**; within 0.02 of Bayes-optimal: **${t.withinBayes002 ? "met" : "missed"}**; ECE ≤ 0.03: **${t.eceAtMost003 ? "met" : "missed"}**.`,
      "",
      ...(he.diffs["joint-late"].lo <= 0
        ? [
            "",
            `Joint fusion does **not** beat late fusion on this head (joint − late ${he.diffs["joint-late"].value >= 0 ? "+" : ""}${f3(he.diffs["joint-late"])}). The image × record interaction is real in the generator but small next to the additive main effects, and the late stacker combines two well-calibrated single-modality logits, which captures those main effects fully; what limits joint (and late) is how exactly a 64×64 slice shows nodule size and coronary calcium (see the Bayes gap).`,
          ]
        : []),
      "",
      `![ROC ${he.head}](plots/roc-${he.head}.svg) ![Calibration ${he.head}](plots/calibration-${he.head}.svg)`,
      "",
    );
  }
  return lines.join("\n");
}
