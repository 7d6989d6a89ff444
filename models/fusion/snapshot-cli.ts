/**
 * npm run snapshot:synthetic -- --out <file.parquet> [--n 2000] [--seed 20261202] [--offset 0]
 *        [--image-size 64] [--resize physical|area] [--no-images] [--missing-image 0.05] [--repeat 0]
 *        [--split-by-index <nTrain>,<nVal>]   (a fixed split column: first nTrain train, next nVal val, rest test)
 *
 * A training snapshot from the synthetic cohort (models/fusion/snapshot-fixture.ts), for training
 * without the database. Prints rows and SHA-256.
 */
import { writeSyntheticSnapshot } from "./snapshot-fixture";
import { progressBar } from "./progress";

const argv = process.argv.slice(2);
const get = (k: string, d: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const out = get("out", "");
if (!out) {
  console.error("usage: npm run snapshot:synthetic -- --out <file.parquet> [--n 2000] [--seed 20261202] …");
  process.exit(2);
}
const n = Number(get("n", "2000"));
const bar = progressBar(false, "render+encode", n);
writeSyntheticSnapshot({
  out,
  n,
  seed: Number(get("seed", "20261202")),
  offset: Number(get("offset", "0")),
  imageSize: Number(get("image-size", "64")),
  resize: get("resize", "physical") as "physical" | "area",
  images: !argv.includes("--no-images"),
  missingImage: Number(get("missing-image", "0.05")),
  repeat: Number(get("repeat", "0")),
  splitByIndex: get("split-by-index", "") ? { train: Number(get("split-by-index", "").split(",")[0]), val: Number(get("split-by-index", "").split(",")[1]) } : undefined,
  onProgress: (d) => bar.update(d),
})
  .then((r) => {
    bar.done();
    console.log(`${r.path}: ${r.rows} rows, sha256 ${r.sha256}`);
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
