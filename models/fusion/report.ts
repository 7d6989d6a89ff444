/** Model card (card.json) and human report (report.md) for a trained bundle. */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { InferenceMeta } from "@/lib/fusion/bundle";
import { bundleOutcomes } from "@/lib/fusion/outcomes";
import type { FeatureDef } from "@/lib/fusion/encoders";
import type { Evaluation } from "./evaluate";

type Training = {
  backend: string;
  machine: string;
  cohort: { seed: number; splits: Record<string, { offset: number; n: number }> };
  dataSeconds: number;
  options: Record<string, number>;
  strategies: Record<string, { seconds: number; samplesPerSecond: number; bestEpoch: number; epochsRun: number; params: number }>;
  interval: { widen: number; coverage: number; testCoverage: number; meanWidth: number };
  bayesLarge: { n: number; auroc: Record<string, number> };
  totalSeconds: number;
};

export async function writeCard(dir: string, x: { meta: InferenceMeta; evaluation: Evaluation | null; training: Training; features: FeatureDef[]; encoderVersion: string }) {
  const { meta, evaluation, training } = x;
  const card = {
    name: meta.name,
    version: meta.version,
    createdAt: meta.createdAt,
    intendedUse: "Research use only. Demonstration of multimodal (image + record) risk fusion on SYNTHETIC data. Not a medical device; not for diagnosis, triage or treatment decisions.",
    outOfScope: ["Real patients", "Any clinical decision", "Images other than axial chest CT slices resembling the synthetic phantom"],
    fusionStrategy: meta.arch.strategy,
    fallback: meta.tabularArch ? "tabular_only network when no scan is available (flagged no_image_tabular_path)" : "baseline image",
    heads: bundleOutcomes(meta).map((o) => ({ name: o.head, label: o.label, shortLabel: o.shortLabel, categories: o.categories })),
    inputSpec: {
      image: `one 2-D CT frame (modality values in HU) → window [-1000, 1000] HU → area resize to ${meta.arch.imageSize}×${meta.arch.imageSize} → /1000`,
      tabular: `${x.features.length} features in blocks history / family / diet (encoder ${x.encoderVersion}; see encoders.json)`,
    },
    architecture: meta.arch,
    trainingData: {
      source: "Synthetic cohort (models/fusion/cohort.ts, generative model in models/fusion/COHORT.md)",
      seed: training.cohort.seed,
      splits: training.cohort.splits,
      splitUnit: "patient (one scan per patient)",
    },
    training: { backend: training.backend, machine: training.machine, totalSeconds: Math.round(training.totalSeconds), strategies: training.strategies, options: training.options },
    calibration: { method: "temperature scaling per head on the validation split", temperature: meta.calibration.main.temperature },
    uncertainty: { method: meta.interval, validationCoverageOfTrueRisk: training.interval.coverage, testCoverageOfTrueRisk: training.interval.testCoverage },
    metrics: evaluation
      ? Object.fromEntries(evaluation.heads.map((h) => [h.head, { test: h.metrics, aurocDifferences: h.diffs, bestSingleModality: h.bestSingle, targets: h.targets, prevalence: h.prevalence }]))
      : null,
    bayesOptimalAurocLargeSample: training.bayesLarge,
    limitations: [
      "Trained and evaluated only on synthetic data from a known generative model; performance on real CT and real records is unknown.",
      "The image branch sees one 64×64 downsampled slice; nodules below ~4 mm and calcifications below ~2 mm are barely visible at that size.",
      "Uncertainty intervals come from MC dropout widened to cover the generator's true risk on validation — an option only synthetic data allows; they are not validated coverage guarantees.",
      "Saliency (Grad-CAM at the 16×16 last conv block) is coarse and shows where the network looked, not why.",
      "tfjs-node was built from a TensorFlow 2.21 wheel (tfjs 4.22 expects 2.9.1): an unsupported combination, verified only by these tests.",
    ],
  };
  await writeFile(path.join(dir, "card.json"), JSON.stringify(card, null, 2));
}

export async function writeReport(dir: string, x: { meta: InferenceMeta; evaluation: Evaluation | null; training: Training; evaluationMd: string }) {
  const { meta, training } = x;
  const rows = Object.entries(training.strategies).map(
    ([s, r]) => `| ${s} | ${r.params} | ${r.bestEpoch}/${r.epochsRun} | ${r.seconds.toFixed(0)} s | ${r.samplesPerSecond.toFixed(0)} |`,
  );
  const md = [
    `# ${meta.name} ${meta.version} — evaluation report`,
    "",
    "**Research use only — synthetic data — not for clinical use.**",
    "",
    `Served strategy: **${meta.arch.strategy}** (model.json / weights.bin); record-only fallback: tabular_only (tabular.json). Created ${meta.createdAt}.`,
    "",
    "## Data",
    "",
    `Synthetic cohort (seed ${training.cohort.seed}), split by patient: ${Object.entries(training.cohort.splits).map(([k, v]) => `${k} ${v.n} (patients ${v.offset}–${v.offset + v.n - 1})`).join(", ")}. Rendering + encoding took ${training.dataSeconds.toFixed(0)} s.`,
    "",
    `Bayes-optimal AUROC (true risk from the generator, ${training.bayesLarge.n} fresh patients): ${Object.entries(training.bayesLarge.auroc).map(([h, v]) => `${h} ${v.toFixed(3)}`).join(", ")}.`,
    "",
    "## Test-set results (all strategies, same test patients, bootstrap 95% CIs)",
    "",
    "Probabilities are calibrated: temperature scaling per head on validation (late fusion: logistic stacking fitted on validation).",
    "",
    x.evaluationMd,
    "",
    "## Uncertainty intervals",
    "",
    `MC dropout (32 passes, rate ${meta.interval.rate}) over the fusion layer; 5–95% logit quantiles widened ×${meta.interval.widen.toFixed(2)} so that 90% of validation intervals contain the generator's true risk (validation ${(training.interval.coverage * 100).toFixed(1)}%, test ${(training.interval.testCoverage * 100).toFixed(1)}%; mean width ${training.interval.meanWidth.toFixed(3)}).`,
    "",
    "## Training",
    "",
    `Backend \`${training.backend}\` on ${training.machine}. Total wall time ${(training.totalSeconds / 60).toFixed(1)} min. Options: ${JSON.stringify(training.options)}; early stopping on validation loss, best weights restored.`,
    "",
    "| network | parameters | best epoch / run | time | samples/s |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
  const old = await readFile(path.join(dir, "report.md"), "utf8").catch(() => "");
  await writeFile(path.join(dir, "report.md"), [md.trimEnd(), ...keptSections(old)].join("\n\n") + "\n");
}

/**
 * Sections of report.md that other tools own and a rewrite of the evaluation must keep, in this
 * order: the image out-of-distribution check (`npm run ood:fit`, ood-artifacts.ts), its flag rates
 * for mirrored / shifted / rotated / rescaled images (`npm run ood:geometry`) and the runtime
 * benchmarks (`npm run bench:fusion -- --write-report`). Each runs to the next "## " heading.
 */
export const KEPT_SECTIONS = ["## Image out-of-distribution check", "## Image geometry: out-of-distribution flag rates", "## Runtime benchmarks"] as const;

export function keptSections(md: string): string[] {
  const out: string[] = [];
  for (const heading of KEPT_SECTIONS) {
    const start = md.indexOf(heading);
    if (start < 0) continue;
    const next = md.indexOf("\n## ", start + heading.length);
    out.push(md.slice(start, next >= 0 ? next : undefined).trimEnd());
  }
  return out;
}
