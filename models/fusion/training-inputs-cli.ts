/**
 * npm run model:training-inputs -- [--dir models/fusion-demo/<version>]
 *
 * Adds `trainingInputs` (training-inputs.ts) to a bundle's inference.json when it is missing: the
 * training records come from the bundle's own provenance — `training.json` `cohort.splits.train`
 * (bundles trained by train-cli) or `candidate.json` `snapshot.provenance` (candidates trained on a
 * snapshot; its train split is a subset of the snapshot, so the range recorded is the snapshot's).
 */
import { readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { defaultModelDir } from "@/lib/fusion";
import { trainingInputRanges, type CohortSource } from "./training-inputs";

const argv = process.argv.slice(2);
const get = (k: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

async function sourceOf(dir: string): Promise<CohortSource> {
  const training = path.join(dir, "training.json");
  if (existsSync(training)) {
    const t = JSON.parse(await readFile(training, "utf8"));
    const s = t.cohort.splits.train;
    return { generator: t.cohort.generator, seed: s.seed, offset: s.offset, n: s.n };
  }
  const c = JSON.parse(await readFile(path.join(dir, "candidate.json"), "utf8"));
  const p = c.snapshot.provenance;
  if (p.kind !== "synthetic") throw new Error(`${dir}: the snapshot is not synthetic (${p.kind}); compute the ranges from the snapshot's rows instead`);
  return { generator: p.generator, seed: p.seed, offset: p.offset, n: p.n, note: `the whole snapshot (${p.n} rows); the train split (${c.split?.rows?.train ?? "?"} rows) is a subset` };
}

async function main() {
  const dir = path.resolve(get("dir") ?? defaultModelDir());
  const file = path.join(dir, "inference.json");
  const meta = JSON.parse(await readFile(file, "utf8"));
  if (meta.trainingInputs && !argv.includes("--force")) {
    console.log(`${file}: trainingInputs already present (--force to recompute)`);
    return;
  }
  const source = await sourceOf(dir);
  const t0 = performance.now();
  meta.trainingInputs = trainingInputRanges(source);
  await writeFile(file, JSON.stringify(meta, null, 2));
  console.log(`${file}: trainingInputs from ${source.n} records (seed ${source.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; sexes ${meta.trainingInputs.sexes.join(", ")}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
