/**
 * Training pipeline (used by `npm run train` and the round-trip test):
 * npm run train -- [--strategy all|joint] [--n-train 12000] [--n-val 3000] [--n-test 6000]
 *                  [--epochs 25] [--patience 4] [--seed 20261128] [--version 1.0.0]
 *                  [--out models/fusion-demo] [--image-size 64] [--bootstrap 400]
 *
 * Generates the synthetic cohort, splits it by patient (train / validation / test), trains the
 * tabular-only, image-only, joint and early networks (late = stacked image-only + tabular-only),
 * calibrates each by temperature scaling on validation, evaluates all five on the same test split
 * and writes models/<name>/<version>/: model.json + weights.bin (joint, served), tabular.json
 * (record-only fallback), strategies/ (the comparison networks), encoders.json, inference.json,
 * card.json, evaluation.json, report.md and plots/.
 */
import * as tf from "@tensorflow/tfjs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DEFAULT_ARCH, type ArchConfig, type NetStrategy } from "@/lib/fusion/architecture";
import { encoderSpec, TABULAR_DIM, FEATURES, ENCODER_VERSION } from "@/lib/fusion/encoders";
import { encodeFloat32, saveFusionBundle, type InferenceMeta } from "@/lib/fusion/bundle";
import { saveLayersModel } from "@/lib/fusion/artifacts";
import { initBackend } from "@/lib/fusion/runtime";
import { generatePatient, HEADS, HEAD_CATEGORIES, HEAD_LABELS, HEAD_SHORT_LABELS } from "./cohort";
import { AUX_TARGETS, buildSplit, type Split } from "./dataset";
import { applyLateStacker, applyTemperature, fitIntervalWidening, fitLateStacker, fitTemperatures, mcDropoutQuantiles, predictLogits, trainNet, type TrainResult } from "./train";
import { calibrationSvg, evaluateStrategies, evaluationMarkdown, rocSvg, STRATEGIES, type StrategyName } from "./evaluate";
import { auroc } from "./metrics";
import { progressBar } from "./progress";
import { trainingInputRanges } from "./training-inputs";
import { writeCard, writeReport } from "./report";

export type TrainingOptions = ReturnType<typeof defaultOptions> & { arch?: Partial<ArchConfig>; quiet?: boolean };

export function defaultOptions() {
  return {
    strategy: "all",
    nTrain: 10000,
    nVal: 2500,
    nTest: 6000,
    epochs: 20,
    patience: 4,
    batchSize: 64,
    lr: 0.002,
    seed: 20261128,
    version: "1.0.0",
    out: "models/fusion-demo",
    name: "fusion-demo",
    imageSize: 64,
    bootstrapB: 400,
    bayesN: 100000,
    intervalN: 1500,
  };
}

/** Generate data, train all strategies, evaluate, write the bundle. Returns the bundle dir. */
export async function runTraining(o: TrainingOptions): Promise<{ dir: string; evaluation: ReturnType<typeof evaluateStrategies> | null }> {
  const tStart = performance.now();
  const log = (...a: unknown[]) => { if (!o.quiet) console.error(...a); };
  const backend = await initBackend({ needsTraining: true });
  log(`fusion train: backend ${backend}, tfjs ${tf.version.tfjs}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}, seed ${o.seed}`);
  if (backend === "cpu") log("warning: pure-JS cpu backend — conv training is very slow here; install tfjs-node (npm run tfjs-node:offline) or use smaller --n-train");

  // ---- data: patient-level split by index ranges ----
  const splits = { train: { seed: o.seed, offset: 0, n: o.nTrain }, val: { seed: o.seed, offset: o.nTrain, n: o.nVal }, test: { seed: o.seed, offset: o.nTrain + o.nVal, n: o.nTest } };
  const data = {} as Record<"train" | "val" | "test", Split>;
  const tData = performance.now();
  for (const k of ["train", "val", "test"] as const) {
    const bar = progressBar(o.quiet, `render+encode ${k.padEnd(5)}`, splits[k].n);
    data[k] = buildSplit(splits[k], o.imageSize, (d) => bar.update(d));
    bar.done();
  }
  const dataSeconds = (performance.now() - tData) / 1000;
  const H = HEADS.length;
  const base = { ...DEFAULT_ARCH, imageSize: o.imageSize, tabularDim: TABULAR_DIM, heads: [...HEADS], seed: o.seed % 1000, auxOutputs: AUX_TARGETS.length, ...(o.arch ?? {}) };
  const netStrategies: NetStrategy[] = o.strategy === "all" ? ["tabular_only", "image_only", "joint", "early"] : [o.strategy as NetStrategy, ...(o.strategy === "joint" ? (["tabular_only"] as NetStrategy[]) : [])];
  const results: Partial<Record<NetStrategy, TrainResult & { T: number[]; val: Float32Array; test: Float32Array }>> = {};
  for (const s of netStrategies) {
    const cfg: ArchConfig = { ...base, strategy: s };
    let bar = progressBar(o.quiet, `train ${s.padEnd(12)} e1`, Math.ceil(data.train.n / o.batchSize));
    const r = await trainNet(cfg, data.train, data.val, {
      epochs: o.epochs,
      batchSize: o.batchSize,
      lr: o.lr,
      patience: o.patience,
      seed: o.seed + s.length,
      onBatch: ({ batch, loss }) => bar.update(batch, `loss ${loss.toFixed(4)}`),
      onEpoch: ({ epoch, trainLoss, valLoss, best, seconds }) => {
        bar.done(`epoch ${epoch}: train ${trainLoss.toFixed(4)} val ${valLoss.toFixed(4)}${best ? " *" : ""} (${seconds.toFixed(1)} s)`);
        bar = progressBar(o.quiet, `train ${s.padEnd(12)} e${epoch + 1}`, Math.ceil(data.train.n / o.batchSize));
      },
    });
    const val = predictLogits(r.model, cfg, data.val);
    const test = predictLogits(r.model, cfg, data.test);
    const T = fitTemperatures(val, data.val, H);
    results[s] = { ...r, T, val, test };
    log(`  ${s}: best epoch ${r.bestEpoch}/${r.epochsRun}, ${r.seconds.toFixed(0)} s, ${r.samplesPerSecond.toFixed(0)} samples/s, T = ${T.map((t) => t.toFixed(2)).join(", ")}`);
  }

  // ---- late fusion + test predictions (calibrated) for all strategies ----
  const preds = {} as Record<StrategyName, Float64Array>;
  for (const s of netStrategies) preds[s as StrategyName] = applyTemperature(results[s]!.test, results[s]!.T);
  let lateW: number[][] | null = null;
  if (results.image_only && results.tabular_only) {
    lateW = fitLateStacker(results.image_only.val, results.tabular_only.val, data.val, H);
    preds.late = applyLateStacker(lateW, results.image_only.test, results.tabular_only.test, H);
  }
  const joint = results.joint!;

  // ---- MC-dropout interval: widen so ~90% of validation intervals contain the true risk ----
  const nInt = Math.min(o.intervalN, data.val.n);
  const q = mcDropoutQuantiles(joint.model, joint.cfg, data.val, nInt, 32, 0.05, 0.95);
  const interval = fitIntervalWidening(q, data.val, nInt, joint.T, 0.9);
  const qt = mcDropoutQuantiles(joint.model, joint.cfg, data.test, Math.min(o.intervalN, data.test.n), 32, 0.05, 0.95);
  const testCoverage = (() => {
    let inside = 0, n = 0;
    for (let i = 0; i < Math.min(o.intervalN, data.test.n); i++)
      for (let h = 0; h < H; h++) {
        const o3 = (i * H + h) * 3, l = qt[o3], T = joint.T[h];
        const sig = (x: number) => 1 / (1 + Math.exp(-x / T));
        const lo = sig(l - interval.widen * Math.max(0, l - qt[o3 + 1])), hi = sig(l + interval.widen * Math.max(0, qt[o3 + 2] - l));
        const tr = data.test.trueRisk[i * H + h];
        if (tr >= lo && tr <= hi) inside++;
        n++;
      }
    return inside / n;
  })();
  log(`  interval: widen ×${interval.widen.toFixed(2)}, validation coverage of true risk ${(interval.coverage * 100).toFixed(1)}%, test ${(testCoverage * 100).toFixed(1)}%, mean width ${interval.meanWidth.toFixed(3)}`);

  // ---- Bayes-optimal AUROC on a large generator sample (no rendering needed) ----
  const tb = performance.now();
  const bayesLarge: Record<string, number> = {};
  {
    const ys: number[][] = HEADS.map(() => []), ps: number[][] = HEADS.map(() => []);
    for (let i = 0; i < o.bayesN; i++) {
      const p = generatePatient(o.seed + 1, i);
      HEADS.forEach((h, j) => {
        ys[j].push(p.labels[h]);
        ps[j].push(p.trueRisk[h]);
      });
    }
    HEADS.forEach((h, j) => (bayesLarge[h] = auroc(ys[j], ps[j])));
  }
  log(`  Bayes-optimal AUROC on ${o.bayesN} generated patients: ${HEADS.map((h) => `${h} ${bayesLarge[h].toFixed(3)}`).join(", ")} (${((performance.now() - tb) / 1000).toFixed(0)} s)`);

  // ---- evaluation ----
  const haveAll = STRATEGIES.every((s) => preds[s]);
  const evaluation = haveAll ? evaluateStrategies(data.test.labels, data.test.trueRisk, data.test.n, HEADS, preds, o.bootstrapB) : null;

  // ---- write the bundle ----
  const dir = path.join(o.out, o.version);
  await mkdir(path.join(dir, "plots"), { recursive: true });
  await mkdir(path.join(dir, "strategies"), { recursive: true });
  const meanImage = new Float32Array(o.imageSize * o.imageSize);
  for (let i = 0; i < data.train.n; i++) for (let j = 0; j < meanImage.length; j++) meanImage[j] += data.train.images[i * meanImage.length + j] / data.train.n;
  const meanTab = new Array(TABULAR_DIM).fill(0);
  for (let i = 0; i < data.train.n; i++) for (let j = 0; j < TABULAR_DIM; j++) meanTab[j] += data.train.tabular[i * TABULAR_DIM + j] / data.train.n;
  const meta: InferenceMeta = {
    name: o.name,
    version: o.version,
    createdAt: new Date().toISOString(),
    heads: [...HEADS],
    headLabels: { ...HEAD_LABELS },
    headShortLabels: { ...HEAD_SHORT_LABELS },
    arch: joint.cfg,
    tabularArch: results.tabular_only?.cfg ?? null,
    calibration: { main: { temperature: joint.T }, tabular: results.tabular_only ? { temperature: results.tabular_only.T } : null },
    categories: { ...HEAD_CATEGORIES },
    baseline: { tabular: meanTab, imageBase64: encodeFloat32(meanImage) },
    interval: { method: "mc-dropout", samples: 32, rate: joint.cfg.dropout, lowerQuantile: 0.05, upperQuantile: 0.95, widen: interval.widen },
    // what the training records covered: records outside it are flagged when scored (lib/fusion/factors.ts)
    trainingInputs: trainingInputRanges({ generator: "models/fusion/cohort.ts", ...splits.train }),
  };
  await saveFusionBundle(dir, { meta, spec: encoderSpec(o.imageSize), main: joint.model, tabular: results.tabular_only?.model ?? null });
  const strategyFiles: Record<string, unknown> = {};
  for (const s of netStrategies) {
    const file = s === "joint" ? "model" : s === "tabular_only" ? "tabular" : `strategies/${s}`;
    if (s !== "joint" && s !== "tabular_only") await saveLayersModel(results[s]!.model, path.join(dir, "strategies"), s);
    strategyFiles[s] = { file, arch: results[s]!.cfg, temperature: results[s]!.T };
  }
  if (lateW) strategyFiles.late = { combines: ["image_only", "tabular_only"], stacker: lateW, form: "p = σ(w0 + w1·logit_image_only + w2·logit_tabular_only), per head, fitted on validation" };
  const training = {
    backend,
    machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, ${os.platform()}`,
    cohort: { generator: "models/fusion/cohort.ts", seed: o.seed, splits },
    dataSeconds,
    options: { epochs: o.epochs, patience: o.patience, batchSize: o.batchSize, lr: o.lr },
    strategies: Object.fromEntries(netStrategies.map((s) => [s, { seconds: results[s]!.seconds, samplesPerSecond: results[s]!.samplesPerSecond, bestEpoch: results[s]!.bestEpoch, epochsRun: results[s]!.epochsRun, bestValLoss: results[s]!.bestValLoss, params: results[s]!.model.countParams(), history: results[s]!.history }])),
    interval: { ...interval, testCoverage },
    bayesLarge: { n: o.bayesN, seed: o.seed + 1, auroc: bayesLarge },
    totalSeconds: 0,
  };
  training.totalSeconds = (performance.now() - tStart) / 1000;
  await writeFile(path.join(dir, "strategies.json"), JSON.stringify(strategyFiles, null, 2));
  await writeFile(path.join(dir, "training.json"), JSON.stringify(training, null, 2));
  if (evaluation) {
    await writeFile(path.join(dir, "evaluation.json"), JSON.stringify(evaluation, null, 2));
    for (let h = 0; h < H; h++) {
      await writeFile(path.join(dir, "plots", `roc-${HEADS[h]}.svg`), rocSvg(HEADS[h], data.test.labels, data.test.trueRisk, data.test.n, H, h, preds));
      await writeFile(path.join(dir, "plots", `calibration-${HEADS[h]}.svg`), calibrationSvg(HEADS[h], data.test.labels, data.test.n, H, h, preds));
    }
  }
  await writeCard(dir, { meta, evaluation, training, features: FEATURES, encoderVersion: ENCODER_VERSION });
  await writeReport(dir, { meta, evaluation, training, evaluationMd: evaluation ? evaluationMarkdown(evaluation) : "(run with --strategy all for the comparison)" });
  await writeFile(path.join(o.out, "ACTIVE"), o.version + "\n");
  log(`wrote ${dir} in ${training.totalSeconds.toFixed(0)} s total`);
  return { dir, evaluation };
}

