/**
 * npm run bench:fusion -- [--backends tensorflow,wasm,cpu] [--runs 200] [--assess-runs 60]
 *
 * Per available backend: single-patient forward pass (median / p95), full explained `assess` on a
 * 512×512 CT frame (preprocess + forward + MC-dropout interval + Shapley + IG + Grad-CAM; median /
 * p95), batch-64 throughput, and training samples/s (joint network; not on wasm, which cannot
 * train conv layers). Prints the machine first. `--write-report` also stores the table in the
 * served model's report.md ("## Runtime benchmarks").
 */
import * as tf from "@tensorflow/tfjs";
import os from "node:os";
import path from "node:path";
import { readFile, writeFile } from "node:fs/promises";
import { availableBackends, initBackend, type BackendName } from "@/lib/fusion/runtime";
import { loadFusionBundle } from "@/lib/fusion/bundle";
import { assessWithModel } from "@/lib/fusion/assess";
import { defaultModelDir } from "@/lib/fusion";
import { buildFusionModel } from "@/lib/fusion/architecture";
import { generatePatient, renderScan, toRecordInput } from "@/models/fusion/cohort";

const argv = process.argv.slice(2);
const get = (k: string, d: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const runs = Number(get("runs", "200"));
const assessRuns = Number(get("assess-runs", "60"));

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { median: q(0.5), p95: q(0.95) };
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

async function benchBackend(b: BackendName) {
  const name = await initBackend({ order: [b] });
  if (name !== b) return null;
  const model = await loadFusionBundle(defaultModelDir());
  const { arch } = model.meta;
  const S = arch.imageSize, D = arch.tabularDim;
  const p = generatePatient(20261128, 99999);
  const scan = renderScan(p, { size: 512 });
  const input = { record: toRecordInput(p), image: { rows: 512, columns: 512, data: Float32Array.from(scan.hu), modality: "CT" } };
  const img1 = tf.randomNormal([1, S, S, 1]);
  const tab1 = tf.randomNormal([1, D]);
  const fwd = () => {
    const out = model.main.predict([img1, tab1]);
    const t = Array.isArray(out) ? out : [out];
    t[0].dataSync();
    tf.dispose(t);
  };
  for (let i = 0; i < 20; i++) fwd();
  const nRuns = b === "cpu" ? Math.min(runs, 40) : runs;
  const f: number[] = [];
  for (let i = 0; i < nRuns; i++) {
    const t0 = performance.now();
    fwd();
    f.push(performance.now() - t0);
  }
  // full assess
  for (let i = 0; i < 5; i++) await assessWithModel(model, input);
  const a: number[] = [];
  const nAssess = b === "cpu" ? Math.min(assessRuns, 10) : assessRuns;
  const before = tf.memory().numTensors;
  let stages: Record<string, number> = {};
  for (let i = 0; i < nAssess; i++) {
    const t0 = performance.now();
    const r = await assessWithModel(model, input);
    a.push(performance.now() - t0);
    stages = r.timings;
  }
  const leaked = tf.memory().numTensors - before;
  // batch 64 throughput
  const img64 = tf.randomNormal([64, S, S, 1]);
  const tab64 = tf.randomNormal([64, D]);
  const batch = () => {
    const out = model.main.predict([img64, tab64]);
    const t = Array.isArray(out) ? out : [out];
    t[0].dataSync();
    tf.dispose(t);
  };
  batch();
  const nb = b === "cpu" ? 3 : 20;
  const tb = performance.now();
  for (let i = 0; i < nb; i++) batch();
  const batchPerSec = (nb * 64) / ((performance.now() - tb) / 1000);
  // training samples/s (joint architecture, fresh weights)
  let trainPerSec: number | null = null;
  if (b !== "wasm") {
    const net = buildFusionModel({ ...arch, auxOutputs: 0 });
    net.compile({ optimizer: tf.train.adam(1e-3), loss: (y: tf.Tensor, l: tf.Tensor) => tf.losses.sigmoidCrossEntropy(y, l) });
    // pure-JS cpu trains at ~1 sample/s: measure it on a batch of 8 to keep the benchmark short
    const nb = b === "cpu" ? 8 : 64;
    const [xi, xt] = [img64.slice(0, nb), tab64.slice(0, nb)];
    const y = tf.randomUniform([nb, arch.heads.length]).round();
    await net.trainOnBatch([xi, xt], y);
    const nt = b === "cpu" ? 1 : 15;
    const tt = performance.now();
    for (let i = 0; i < nt; i++) await net.trainOnBatch([xi, xt], y);
    trainPerSec = (nt * nb) / ((performance.now() - tt) / 1000);
    tf.dispose([y, xi, xt]);
    net.dispose();
  }
  tf.dispose([img1, tab1, img64, tab64]);
  model.dispose();
  return { backend: b, forward: stats(f), assess: stats(a), stages, batchPerSec, trainPerSec, leaked, runs: nRuns, assessRuns: nAssess };
}

async function main() {
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length}× ${cpus[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB RAM, load avg ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}, Node ${process.version}, ${os.platform()} ${os.arch()}, tfjs ${tf.version.tfjs}`);
  console.log(`model: ${defaultModelDir()}; default inference backend here: ${await initBackend()}`);
  const wanted = get("backends", availableBackends().join(",")).split(",") as BackendName[];
  const rows = [];
  for (const b of wanted) {
    const r = await benchBackend(b);
    if (!r) {
      console.log(`${b}: not available`);
      continue;
    }
    rows.push(r);
    console.log(
      `${b.padEnd(10)} forward median ${ms(r.forward.median)} p95 ${ms(r.forward.p95)} (${r.runs} runs) | assess median ${ms(r.assess.median)} p95 ${ms(r.assess.p95)} (${r.assessRuns} runs, leaked tensors ${r.leaked}) | batch-64 ${r.batchPerSec.toFixed(0)} samples/s | training ${r.trainPerSec ? r.trainPerSec.toFixed(0) + " samples/s" : "n/a (no conv gradients on wasm)"}`,
    );
    console.log(`           assess stages (last run): ${Object.entries(r.stages).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")}`);
  }
  const table = [
    "| backend | forward median | forward p95 | assess median | assess p95 | batch-64 samples/s | train samples/s |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.backend} | ${ms(r.forward.median)} | ${ms(r.forward.p95)} | ${ms(r.assess.median)} | ${ms(r.assess.p95)} | ${r.batchPerSec.toFixed(0)} | ${r.trainPerSec ? r.trainPerSec.toFixed(0) : "n/a"} |`),
  ].join("\n");
  console.log("\n" + table);
  if (argv.includes("--write-report")) {
    const file = path.join(defaultModelDir(), "report.md");
    const md = await readFile(file, "utf8");
    const section = `## Runtime benchmarks\n\n\`npm run bench:fusion\` on ${cpus.length}× ${cpus[0]?.model ?? "cpu"}, Node ${process.version}, load average at start ${os.loadavg()[0].toFixed(1)} (the machine is shared). Forward = one patient, joint network; assess = 512×512 CT frame → preprocess + forward + MC-dropout interval + Shapley + integrated gradients + Grad-CAM.\n\n${table}\n`;
    const i = md.indexOf("## Runtime benchmarks");
    await writeFile(file, (i >= 0 ? md.slice(0, i) : md.trimEnd() + "\n\n") + section);
    console.log(`wrote ${file}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
