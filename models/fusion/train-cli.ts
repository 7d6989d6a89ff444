/**
 * npm run train -- [--strategy all|joint] [--n-train 10000] [--n-val 2500] [--n-test 6000]
 *                  [--epochs 20] [--patience 3] [--seed 20261128] [--version 1.0.0]
 *                  [--out models/fusion-demo] [--image-size 64] [--bootstrap 400]
 * See models/fusion/pipeline.ts for what it does.
 */
import { defaultOptions, runTraining } from "./pipeline";
import { evaluationMarkdown } from "./evaluate";

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

runTraining(args())
  .then(({ evaluation }) => {
    if (evaluation) console.log(evaluationMarkdown(evaluation));
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
