/**
 * npm run ood:fit -- [--dir models/fusion-demo/<version>] [--fit-n 4000] [--threshold-n 2500]
 *                    [--test-n 1000] [--quantile 0.995] [--real file.dcm ...]
 *
 * Fits the image out-of-distribution reference for a model bundle on its own training split and
 * writes ood.json, the card entry and the report section (models/fusion/ood-artifacts.ts). Real
 * DICOM files given with --real (default: pydicom's CT_small.dcm, a real CT that is not a chest
 * slice, and MR_small.dcm read as if it were CT — when the test files have been fetched) are measured as out-of-distribution examples.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { defaultModelDir, loadFusionModel } from "@/lib/fusion";
import { decodeFrame, parseDicom } from "@/lib/dicom";
import type { ImageInput } from "@/lib/fusion/encoders";
import { fitOodReference, type SplitRange } from "./ood-fit";
import { oodMarkdown, writeOodArtifacts } from "./ood-artifacts";

const argv = process.argv.slice(2);
const get = (k: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const all = (k: string) => argv.flatMap((a, i) => (a === `--${k}` && argv[i + 1] ? [argv[i + 1]] : []));

async function dicomImage(file: string): Promise<ImageInput> {
  const parsed = parseDicom(new Uint8Array(readFileSync(file)));
  const f = await decodeFrame(parsed, 0);
  return { rows: f.rows, columns: f.columns, data: f.data, modality: parsed.metadata.modality ?? "CT", samplesPerPixel: f.samplesPerPixel };
}

async function main() {
  const dir = path.resolve(get("dir") ?? defaultModelDir());
  const model = await loadFusionModel(dir);
  const splits = JSON.parse(await readFile(path.join(dir, "training.json"), "utf8")).cohort.splits as Record<"train" | "val" | "test", SplitRange>;
  const n = (k: string, d: number, max: number) => Math.min(Number(get(k) ?? d), max);
  const pydicom = path.join(process.cwd(), ".cache", "pydicom", "test_files");
  const real = all("real").length ? all("real") : ["CT_small.dcm", "MR_small.dcm"].map((f) => path.join(pydicom, f)).filter((f) => existsSync(f));
  const realOod: Record<string, ImageInput> = {};
  for (const f of real) {
    const im = await dicomImage(f);
    realOod[`${im.modality} ${path.basename(f)}${im.modality === "CT" ? "" : " read as CT"}`] = { ...im, modality: "CT" };
  }
  if (!real.length) console.error("no real DICOM files given and pydicom's test files are not fetched (bash scripts/fetch-pydicom.sh): measuring synthetic out-of-distribution images only");

  const t0 = performance.now();
  const ref = await fitOodReference(model, {
    fit: { ...splits.train, n: n("fit-n", 4000, splits.train.n) },
    threshold: { ...splits.val, n: n("threshold-n", 2500, splits.val.n) },
    test: { ...splits.test, n: n("test-n", 1000, splits.test.n) },
    quantile: get("quantile") ? Number(get("quantile")) : undefined,
    realOod,
    onStage: (s) => console.error(`[ood] ${s} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
  });
  await writeOodArtifacts(dir, ref);
  console.log(oodMarkdown(ref));
  console.log(`wrote ${path.join(dir, "ood.json")}, card.json and report.md in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  model.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
