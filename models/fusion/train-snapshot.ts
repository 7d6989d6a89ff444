/**
 * `npm run train -- --data <snapshot.parquet> …` (train-cli.ts hands over here when --data is given):
 *
 *   --strategy all | joint | early | late | image_only | tabular_only | early_strong   (default all)
 *   --seed 20261202  --epochs 20  --patience 4  --batch-size 64  --lr 0.002  --modality-dropout 0.3
 *   --out <dir>            one candidate per strategy in <dir>/<strategy> (default models/candidates/<sha12>)
 *   --compare <bundle>…    also compare the primary candidate with these (e.g. the active version)
 *   --primary joint        the candidate the comparison and card are about (strategy all)
 *   --name fusion-demo --version 1.2.0   name / version of the primary (servable) candidate
 *   --image-backbone <dir[#image_only]>   early_strong / late / image_only on a frozen image network
 *   --bootstrap 400
 *
 * With `all`, shared networks are trained once (tabular_only and image_only are reused by the
 * strategies that combine them: same snapshot, same seed, so the result equals training them again),
 * then the primary candidate is evaluated against every other strategy and the --compare bundles on
 * the same held-out patients (evaluateCandidate) and its card gets the comparison.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { compactJson, evaluateCandidate, trainCandidate, type TrainResult } from "./api";
import { cardMarkdown, buildCard, type CardExtras } from "./card";
import type { CandidateEvaluation, CandidateManifest, Strategy } from "./candidate";
import { STRATEGIES } from "./candidate";
import type { EvaluationReport } from "./evaluation";
import { loadSnapshot, snapshotInfo } from "./snapshot";

type Args = { get(k: string, d?: string): string | undefined; all(k: string): string[] };

export async function trainFromSnapshot(a: Args): Promise<void> {
  const data = a.get("data")!;
  const seed = Number(a.get("seed", "20261202"));
  const strategyArg = a.get("strategy", "all")!;
  const info = await snapshotInfo(data);
  const out = a.get("out", path.join("models", "candidates", info.sha256.slice(0, 12)))!;
  const common = {
    snapshotPath: data,
    seed,
    epochs: Number(a.get("epochs", "20")),
    patience: Number(a.get("patience", "4")),
    batchSize: Number(a.get("batch-size", "64")),
    lr: Number(a.get("lr", "0.002")),
    modalityDropout: Number(a.get("modality-dropout", "0.3")),
    bootstrapB: Number(a.get("bootstrap", "400")),
    imageBackbone: a.get("image-backbone"),
  };
  const log = (s: string) => console.error(`[train ${new Date().toISOString().slice(11, 19)}] ${s}`);
  const onProgress = (name: string) => {
    let lastPhase = "";
    return (p: { epoch: number; epochs: number; loss: number; valLoss?: number; etaSeconds?: number; phase: string }) => {
      const whole = Number.isInteger(p.epoch);
      if (p.phase !== lastPhase || (whole && p.valLoss !== undefined)) log(`${name}: ${p.phase} epoch ${p.epoch.toFixed(whole ? 0 : 2)}/${p.epochs}${Number.isFinite(p.loss) ? ` loss ${p.loss.toFixed(4)}` : ""}${p.valLoss !== undefined ? ` val ${p.valLoss.toFixed(4)}` : ""}${p.etaSeconds !== undefined ? ` eta ${p.etaSeconds.toFixed(0)} s` : ""}`);
      lastPhase = p.phase;
    };
  };
  log(`snapshot ${data}: ${info.rows} rows, sha256 ${info.sha256}`);
  const snapshot = await loadSnapshot(data);
  const primary = (a.get("primary", strategyArg === "all" ? "joint" : strategyArg) as Strategy)!;
  const order: Strategy[] = strategyArg === "all" ? ["tabular_only", "image_only", "joint", "early", "late", "early_strong"] : [strategyArg as Strategy];
  for (const s of order) if (!STRATEGIES.includes(s)) throw new Error(`unknown strategy ${s}`);
  const results: Partial<Record<Strategy, TrainResult>> = {};
  for (const s of order) {
    const dir = path.join(out, s);
    const components = strategyArg === "all" ? { ...(results.tabular_only && s !== "tabular_only" ? { tabular_only: results.tabular_only.bundleDir } : {}), ...(results.image_only && s !== "image_only" && !common.imageBackbone ? { image_only: results.image_only.bundleDir } : {}) } : undefined;
    const t0 = performance.now();
    results[s] = await trainCandidate({ ...common, strategy: s, outDir: dir, snapshot, components, ...(s === primary ? { name: a.get("name"), version: a.get("version") } : {}), onProgress: onProgress(s) });
    log(`${s}: ${((performance.now() - t0) / 1000).toFixed(0)} s, weights ${results[s]!.weightsSha256.slice(0, 16)}…, ${dir}`);
  }
  const compare = [...order.filter((s) => s !== primary).map((s) => results[s]!.bundleDir), ...a.all("compare")];
  if (!compare.length || !results[primary]) return;
  log(`comparing ${primary} with ${compare.length} models on the same test patients`);
  const { report, plots } = await evaluateCandidate({ bundleDir: results[primary]!.bundleDir, snapshotPath: data, compareWith: compare, seed, B: common.bootstrapB, write: true });
  await rewriteCard(results[primary]!.bundleDir, { comparison: report as unknown as EvaluationReport });
  void plots;
  log(`wrote ${path.join(results[primary]!.bundleDir, "comparison")} and the card`);
}

/** Re-render card.json / report.md of a candidate with extras (comparison, geometry flag rates, notes). */
export async function rewriteCard(dir: string, extras: CardExtras): Promise<void> {
  const man = JSON.parse(await readFile(path.join(dir, "candidate.json"), "utf8")) as CandidateManifest;
  const ev = JSON.parse(await readFile(path.join(dir, "evaluation.json"), "utf8")) as CandidateEvaluation;
  const old = JSON.parse(await readFile(path.join(dir, "card.json"), "utf8").catch(() => "{}")) as { imageGeometry?: unknown; additionalNotes?: string[]; realDataCheck?: CardExtras["realData"] };
  const prevComparison = await readFile(path.join(dir, "comparison", "evaluation.json"), "utf8").then((t) => JSON.parse(t) as EvaluationReport).catch(() => null);
  const ood = await readFile(path.join(dir, "ood.json"), "utf8").then((t) => JSON.parse(t) as { threshold: number; evaluation: Record<string, unknown> }).catch(() => null);
  const merged: CardExtras = {
    comparison: extras.comparison ?? prevComparison,
    ood: extras.ood ?? (ood ? { threshold: ood.threshold, evaluation: ood.evaluation } : null),
    geometry: extras.geometry ?? ((old.imageGeometry as CardExtras["geometry"]) || null),
    notes: extras.notes ?? old.additionalNotes,
    realData: extras.realData ?? old.realDataCheck ?? null,
  };
  await writeFile(path.join(dir, "card.json"), compactJson(buildCard(man, ev, merged)));
  await writeFile(path.join(dir, "report.md"), cardMarkdown(man, ev, merged));
}
