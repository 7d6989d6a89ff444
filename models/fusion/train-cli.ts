/**
 * npm run train -- --data <snapshot.parquet> [--strategy all|<strategy>] [--seed S] [--out dir] …
 *   trains candidates from a training snapshot (models/fusion/train-snapshot.ts, api.ts). Without
 *   --data, the generator pipeline below (the demo model up to 1.1.0):
 * npm run train -- [--strategy all|joint] [--n-train 10000] [--n-val 2500] [--n-test 6000]
 *                  [--epochs 20] [--patience 3] [--seed 20261128] [--version 1.0.0]
 *                  [--out models/fusion-demo] [--image-size 64] [--bootstrap 400]
 * See models/fusion/pipeline.ts for what it does; then fits the image out-of-distribution check
 * (models/fusion/ood-fit.ts) for the new bundle.
 */
import { defaultOptions, runTraining } from "./pipeline";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadFusionModel } from "@/lib/fusion";
import { evaluationMarkdown } from "./evaluate";
import { fitOodReference, type SplitRange } from "./ood-fit";
import { writeOodArtifacts } from "./ood-artifacts";
import { trainFromSnapshot } from "./train-snapshot";

function args() {
  const a = process.argv.slice(2);
  const d = defaultOptions();
  const get = (k: string, v: string | number) => {
    const i = a.indexOf(`--${k}`);
    return i >= 0 && a[i + 1] ? a[i + 1] : String(v);
  };
  return {
    strategy: get("strategy", d.strategy),
    nTrain: Number(get("n-train", d.nTrain)),
    nVal: Number(get("n-val", d.nVal)),
    nTest: Number(get("n-test", d.nTest)),
    epochs: Number(get("epochs", d.epochs)),
    patience: Number(get("patience", d.patience)),
    batchSize: Number(get("batch-size", d.batchSize)),
    lr: Number(get("lr", d.lr)),
    seed: Number(get("seed", d.seed)),
    version: get("version", d.version),
    out: get("out", d.out),
    name: get("name", d.name),
    imageSize: Number(get("image-size", d.imageSize)),
    bootstrapB: Number(get("bootstrap", d.bootstrapB)),
    bayesN: Number(get("bayes-n", d.bayesN)),
    intervalN: Number(get("interval-n", d.intervalN)),
  };
}

const argv = process.argv.slice(2);
if (argv.includes("--data")) {
  // training from a snapshot (models/fusion/train-snapshot.ts)
  const get = (k: string, d?: string) => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
  };
  const all = (k: string) => argv.flatMap((x, i) => (x === `--${k}` && argv[i + 1] ? [argv[i + 1]] : []));
  trainFromSnapshot({ get, all }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else legacy();

function legacy() {
  const opts = args();
  runTraining(opts)
    .then(async ({ dir, evaluation }) => {
      if (evaluation) console.log(evaluationMarkdown(evaluation));
      // the image out-of-distribution check belongs to the weights: fit it for the new bundle
      const model = await loadFusionModel(dir);
      const splits = JSON.parse(await readFile(path.join(dir, "training.json"), "utf8")).cohort.splits as Record<"train" | "val" | "test", SplitRange>;
      const ref = await fitOodReference(model, {
        fit: { ...splits.train, n: Math.min(4000, splits.train.n) },
        threshold: { ...splits.val, n: Math.min(2500, splits.val.n) },
        test: { ...splits.test, n: Math.min(1000, splits.test.n) },
      });
      await writeOodArtifacts(dir, ref);
      model.dispose();
      console.log(`out-of-distribution check fitted: threshold ${ref.threshold.toFixed(2)} (${path.join(dir, "ood.json")})`);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
