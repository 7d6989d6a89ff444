/**
 * The interface between the product (training jobs, registry, model page) and the science
 * (models/fusion): train a candidate from a snapshot, evaluate it against other versions on the
 * same held-out patients, read a snapshot's identity.
 *
 * Snapshot contract (snapshot.ts): Parquet, one row per patient assessment, columns
 * patient_pseudonym, sex, age_years, tab_* (the encoder's vector, research-export names),
 * label_<head> (0/1/null), image_input (LIST<FLOAT> of size², or null; key-value metadata
 * `fusion_cds.image_input` = the encoder's image spec JSON incl. `size` and `resize`).
 *
 * Bundle (outDir): candidate.json (manifest: strategy, snapshot sha256, seed, split, networks,
 * weight files and weightsSha256), the networks (*.json + *.bin), evaluation.json, card.json,
 * report.md, plots/{roc,calibration,decision}-<head>.svg; a servable (joint) candidate also has
 * model.json/weights.bin, tabular.json, encoders.json, inference.json and ood.json, so
 * lib/fusion loadFusionModel(outDir) serves it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildCard, cardMarkdown, type CardExtras } from "./card";
import { evaluateTrained, trainCandidateBundle, type CandidateManifest, type Progress, type Strategy, type CandidateOptions } from "./candidate";
import { evaluateModels, type EvaluationReport } from "./evaluation";
import { plotsFor } from "./plots";
import { loadScorer } from "./scorer";
import { initBackend } from "@/lib/fusion/runtime";
import { loadSnapshot, snapshotInfo } from "./snapshot";
import { COLUMN_SPLIT_METHOD, splitFromColumn, splitRows, DEFAULT_SPLIT } from "./split";

export { TrainingCancelled } from "./trainer";
export { SnapshotError } from "./snapshot";
export { STRATEGIES } from "./candidate";

export type TrainRequest = {
  snapshotPath: string;
  strategy: "joint" | "early" | "late" | "image_only" | "tabular_only" | "early_strong";
  seed: number;
  epochs?: number;
  outDir: string;
  signal?: AbortSignal;
  onProgress?: (p: { epoch: number; epochs: number; loss: number; valLoss?: number; etaSeconds?: number; phase: string }) => void;
};
export type TrainResult = { bundleDir: string; weightsSha256: string; metrics: Record<string, unknown>; card: Record<string, unknown> };

/** Extra knobs for the CLI and tests (the product passes only TrainRequest). */
export type TrainRequestOptions = Pick<CandidateOptions, "name" | "version" | "batchSize" | "lr" | "patience" | "modalityDropout" | "split" | "arch" | "components" | "imageBackbone" | "bootstrapB" | "snapshot" | "backend" | "rows">;

/** JSON with non-integers to 6 significant digits (evaluations and cards stay readable and small). */
export const compactJson = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "number" && !Number.isInteger(x) && Number.isFinite(x) ? Number(x.toPrecision(6)) : x), 2);

async function writeOutputs(dir: string, files: { evaluation: unknown; card: unknown; markdown: string; plots: Record<string, string> }) {
  await mkdir(path.join(dir, "plots"), { recursive: true });
  await writeFile(path.join(dir, "evaluation.json"), compactJson(files.evaluation));
  await writeFile(path.join(dir, "card.json"), compactJson(files.card));
  await writeFile(path.join(dir, "report.md"), files.markdown);
  for (const [name, svg] of Object.entries(files.plots)) await writeFile(path.join(dir, "plots", name), svg);
}

/**
 * Train one candidate (strategy) from a snapshot into `outDir`, evaluate it on its held-out test
 * patients and write its card. Rejects with TrainingCancelled (trainer.ts) when `signal` aborts.
 */
export async function trainCandidate(req: TrainRequest & TrainRequestOptions): Promise<TrainResult> {
  let last: Progress = { epoch: 0, epochs: 0, loss: NaN, phase: "start" };
  const report = (p: Progress) => {
    last = p;
    req.onProgress?.(p);
  };
  const t = await trainCandidateBundle({ ...req, strategy: req.strategy as Strategy, onProgress: report });
  report({ ...last, phase: "evaluate", etaSeconds: undefined });
  const evaluation = evaluateTrained(t, { B: req.bootstrapB ?? 400 });
  const extras: CardExtras = { ood: await readOod(req.outDir) };
  const card = buildCard(t.manifest, evaluation, extras);
  const plots = plotsFor(evaluation, t.manifest.headLabels);
  await writeOutputs(req.outDir, { evaluation, card, markdown: cardMarkdown(t.manifest, evaluation, extras), plots });
  report({ ...last, phase: "done", etaSeconds: 0 });
  const metrics = {
    strategy: t.manifest.strategy,
    snapshotSha256: t.manifest.snapshot.sha256,
    seed: t.manifest.seed,
    split: t.manifest.split,
    backend: t.manifest.training.backend,
    servable: t.manifest.servable,
    test: Object.fromEntries(evaluation.heads.map((h) => [h.head, { n: h.n, events: h.events, ...Object.fromEntries(Object.entries(h.metrics[evaluation.primary])) }])),
    ...(evaluation.missingImage ? { missingImage: Object.fromEntries(evaluation.missingImage.heads.map((h) => [h.head, Object.fromEntries(Object.entries(h.metrics).map(([m, v]) => [m, { auroc: v.auroc, brier: v.brier }]))])) } : {}),
  };
  return { bundleDir: path.resolve(req.outDir), weightsSha256: t.manifest.weightsSha256, metrics, card };
}

async function readOod(dir: string): Promise<CardExtras["ood"]> {
  try {
    const r = JSON.parse(await readFile(path.join(dir, "ood.json"), "utf8"));
    return { threshold: r.threshold, evaluation: r.evaluation };
  } catch {
    return null;
  }
}

/**
 * Score the candidate and every bundle in `compareWith` (the active version, baselines; a served
 * bundle of the earlier format may be named `<dir>#<strategy>`) on the same held-out patients of
 * the snapshot, and compare them (paired bootstrap). The held-out patients are the candidate's own
 * test partition (its training seed and split fractions from candidate.json), so none of them was
 * seen in its training; `seed` seeds the bootstrap (and the split for a bundle without candidate.json).
 */
export async function evaluateCandidate(args: { bundleDir: string; snapshotPath: string; compareWith: string[]; seed: number; B?: number; write?: boolean }): Promise<{ report: Record<string, unknown>; plots: Record<string, string> }> {
  await initBackend();
  const snap = await loadSnapshot(args.snapshotPath);
  const man = await readFile(path.join(args.bundleDir, "candidate.json"), "utf8").then((t) => JSON.parse(t) as CandidateManifest).catch(() => null);
  // the candidate's held-out patients: the snapshot's own split column if it has one, else the hash split of the candidate's seed
  const split = snap.partition ? splitFromColumn(snap.patient, snap.partition) : splitRows(snap.patient, man?.seed ?? args.seed, man?.split.fractions ?? DEFAULT_SPLIT);
  if (man?.split.method === COLUMN_SPLIT_METHOD && !snap.partition) throw new Error("the candidate was trained with the snapshot's split column; this snapshot has none, so its held-out patients are unknown");
  const rows = split.test;
  const scorers = [await loadScorer(args.bundleDir), ...(await Promise.all(args.compareWith.map((c) => loadScorer(c))))];
  const preds: Record<string, Float64Array> = {};
  const imageUse: Record<string, { imageUsed: number; rows: number }> = {};
  const caveats: string[] = [];
  try {
    for (const s of scorers) {
      let label = s.label;
      for (let k = 2; preds[label]; k++) label = `${s.label} #${k}`;
      const r = s.predict(snap, rows);
      preds[label] = r.probs;
      imageUse[label] = { imageUsed: r.imageUsed, rows: rows.length };
      if (s.imageResize && snap.imageSpec?.resize && s.imageResize !== snap.imageSpec.resize)
        caveats.push(`${label} was trained with "${s.imageResize}" image preprocessing; the snapshot's images were made with "${snap.imageSpec.resize}".`);
    }
  } finally {
    for (const s of scorers) s.dispose();
  }
  if (man && man.snapshot.sha256 !== snap.sha256) caveats.push(`The candidate was trained on snapshot ${man.snapshot.sha256.slice(0, 12)}…; this is ${snap.sha256.slice(0, 12)}…: its test patients are those of its split seed in this snapshot (none of them in its training partition).`);
  const primary = Object.keys(preds)[0];
  const report: EvaluationReport & { snapshot: unknown; imageUse: unknown; caveats: string[]; split: unknown } = {
    ...evaluateModels({ heads: snap.heads, labels: snap.labels, patients: snap.patient, sex: snap.sex, age: snap.age, smoking: snap.smoking, rows, preds, primary, B: args.B ?? 400, seed: args.seed, subgroupModels: Object.keys(preds).slice(0, 2) }),
    snapshot: { sha256: snap.sha256, rows: snap.n, file: path.basename(args.snapshotPath) },
    split: snap.partition ? { method: COLUMN_SPLIT_METHOD, testRows: rows.length } : { seed: man?.seed ?? args.seed, fractions: man?.split.fractions ?? DEFAULT_SPLIT, testRows: rows.length },
    imageUse,
    caveats,
  };
  const plots = plotsFor(report, man?.headLabels ?? {});
  if (args.write) {
    await mkdir(path.join(args.bundleDir, "comparison", "plots"), { recursive: true });
    await writeFile(path.join(args.bundleDir, "comparison", "evaluation.json"), compactJson(report));
    for (const [n, svg] of Object.entries(plots)) await writeFile(path.join(args.bundleDir, "comparison", "plots", n), svg);
  }
  return { report: report as unknown as Record<string, unknown>, plots };
}

/** A snapshot's identity: SHA-256 of the file, rows, column names. */
export async function readSnapshot(p: string): Promise<{ sha256: string; rows: number; columns: string[] }> {
  return snapshotInfo(p);
}
