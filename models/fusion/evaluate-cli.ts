/**
 * npm run evaluate -- [--dir models/fusion-demo/<version>] [--bootstrap 400] [--n-test N]
 *
 * Re-creates the bundle's held-out test split from the cohort generator (seed and index range
 * from training.json), scores it with all five strategies saved in the bundle (joint, early, late =
 * stacked image_only + tabular_only, image_only, tabular_only), and rewrites evaluation.json,
 * plots/*.svg and report.md: AUROC, AUPRC, Brier and ECE with paired bootstrap 95% CIs, joint −
 * each alternative, and the Bayes-optimal reference (the generator's true risk).
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { ArchConfig } from "@/lib/fusion/architecture";
import { loadLayersModelFromDir } from "@/lib/fusion/artifacts";
import { defaultModelDir, loadFusionModel } from "@/lib/fusion";
import { HEADS } from "./cohort";
import { buildSplit } from "./dataset";
import { applyLateStacker, applyTemperature, predictLogits } from "./train";
import { calibrationSvg, evaluateStrategies, evaluationMarkdown, rocSvg, STRATEGIES, type StrategyName } from "./evaluate";
import { progressBar } from "./progress";
import { writeReport } from "./report";
import { evaluateCandidate } from "./api";
import { rewriteCard } from "./train-snapshot";
import type { EvaluationReport } from "./evaluation";

const argv = process.argv.slice(2);
const get = (k: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

async function main() {
  const dir = path.resolve(get("dir") ?? defaultModelDir());
  const B = Number(get("bootstrap") ?? 400);
  const bundle = await loadFusionModel(dir); // also checks the encoder version
  const training = JSON.parse(await readFile(path.join(dir, "training.json"), "utf8"));
  const strategies = JSON.parse(await readFile(path.join(dir, "strategies.json"), "utf8")) as Record<string, { file?: string; arch?: ArchConfig; temperature?: number[]; stacker?: number[][] }>;
  const spec = training.cohort.splits.test as { seed: number; offset: number; n: number };
  const nTest = Number(get("n-test") ?? spec.n);
  const size = bundle.meta.arch.imageSize;
  const bar = progressBar(false, "render+encode test", nTest);
  const test = buildSplit({ ...spec, n: nTest }, size, (d) => bar.update(d));
  bar.done();
  const H = HEADS.length;
  const logits: Record<string, Float32Array> = {};
  const preds = {} as Record<StrategyName, Float64Array>;
  for (const s of ["joint", "early", "image_only", "tabular_only"] as const) {
    const e = strategies[s];
    const file = e.file!;
    const net = await loadLayersModelFromDir(path.join(dir, path.dirname(file)), path.basename(file));
    logits[s] = predictLogits(net, e.arch!, test);
    preds[s] = applyTemperature(logits[s], e.temperature!);
    net.dispose();
  }
  preds.late = applyLateStacker(strategies.late.stacker!, logits.image_only, logits.tabular_only, H);
  const evaluation = evaluateStrategies(test.labels, test.trueRisk, test.n, HEADS, preds, B);
  await mkdir(path.join(dir, "plots"), { recursive: true });
  await writeFile(path.join(dir, "evaluation.json"), JSON.stringify(evaluation, null, 2));
  for (let h = 0; h < H; h++) {
    await writeFile(path.join(dir, "plots", `roc-${HEADS[h]}.svg`), rocSvg(HEADS[h], test.labels, test.trueRisk, test.n, H, h, preds));
    await writeFile(path.join(dir, "plots", `calibration-${HEADS[h]}.svg`), calibrationSvg(HEADS[h], test.labels, test.n, H, h, preds));
  }
  await writeReport(dir, { meta: bundle.meta, evaluation, training, evaluationMd: evaluationMarkdown(evaluation) });
  console.log(evaluationMarkdown(evaluation));
  console.error(`evaluated ${STRATEGIES.join(", ")} on ${test.n} test patients; wrote ${path.relative(process.cwd(), dir)}/{evaluation.json,report.md,plots/}`);
  bundle.dispose();
}

/**
 * npm run evaluate -- --dir <candidate> --data <snapshot.parquet> [--compare <bundle> …] [--seed S] [--bootstrap 400]
 * compares a candidate with other versions on its held-out test patients of the snapshot
 * (api.evaluateCandidate) and writes <dir>/comparison/ and the card.
 */
async function snapshotMain() {
  const dir = path.resolve(get("dir")!);
  const compare = argv.flatMap((a, i) => (a === "--compare" && argv[i + 1] ? [argv[i + 1]] : []));
  const { report } = await evaluateCandidate({ bundleDir: dir, snapshotPath: get("data")!, compareWith: compare, seed: Number(get("seed") ?? 20261202), B: Number(get("bootstrap") ?? 400), write: true });
  await rewriteCard(dir, { comparison: report as unknown as EvaluationReport });
  console.error(`compared ${(report.models as string[]).join(", ")}; wrote ${path.join(dir, "comparison")}, card.json and report.md`);
}

(argv.includes("--data") ? snapshotMain() : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
