/**
 * Backend selection for TensorFlow.js on the server, among native TensorFlow
 * (`@tensorflow/tfjs-node`, an optionalDependency — absent unless installed, e.g. by
 * `npm run tfjs-node:offline`), WebAssembly (SIMD, single-threaded in Node; inference only — it
 * cannot train conv layers) and the pure-JS cpu backend: the fastest available for the job. `FUSION_BACKEND=tensorflow|wasm|cpu` puts one first;
 * `FUSION_DISABLE_TFJS_NODE=1` behaves as if tfjs-node were not installed (what CI sees).
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { nodeRequire } from "@/lib/platform/node-require";
import path from "node:path";

export type BackendName = "tensorflow" | "wasm" | "cpu";
const require = nodeRequire();

let tfjsNodeTried = false;
function tryTfjsNode(): boolean {
  if (tf.findBackendFactory("tensorflow")) return true;
  if (tfjsNodeTried || process.env.FUSION_DISABLE_TFJS_NODE === "1") return false;
  tfjsNodeTried = true;
  try {
    process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
    require("@tensorflow/tfjs-node");
    return !!tf.findBackendFactory("tensorflow");
  } catch {
    return false;
  }
}

let wasmPathsSet = false;
function prepareWasm(): boolean {
  if (!tf.findBackendFactory("wasm")) return false;
  if (!wasmPathsSet) {
    const dir = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
    setWasmPaths(dir + path.sep);
    wasmPathsSet = true;
  }
  return true;
}

/** Which backends could be used here (tfjs-node only if it is installed and loads). */
export function availableBackends(): BackendName[] {
  const out: BackendName[] = [];
  if (tryTfjsNode()) out.push("tensorflow");
  if (prepareWasm()) out.push("wasm");
  out.push("cpu");
  return out;
}

/**
 * Default orders. Inference: measured on this 2-core machine with the served model
 * (bench/fusion.bench.ts), WebAssembly beats native TensorFlow for one patient at a time (forward
 * 1.0 vs 3.3 ms median, full assess 12 vs 23 ms) because per-op dispatch dominates such a small
 * network; tfjs-node wins for batches (4100 vs 1500 samples/s) and is the only fast trainer.
 * So: inference wasm → tensorflow → cpu, training tensorflow → cpu.
 */
export const INFERENCE_ORDER: BackendName[] = ["wasm", "tensorflow", "cpu"];
export const TRAINING_ORDER: BackendName[] = ["tensorflow", "cpu"];

/**
 * Activate the first backend of `order` that initialises (default: FUSION_BACKEND first, then the
 * inference or training order). Returns its name. `needsTraining` excludes wasm (no conv gradients).
 */
export async function initBackend(opts: { order?: BackendName[]; needsTraining?: boolean } = {}): Promise<BackendName> {
  const forced = process.env.FUSION_BACKEND as BackendName | undefined;
  const base = opts.needsTraining ? TRAINING_ORDER : INFERENCE_ORDER;
  let order = opts.order ?? (forced ? [forced, ...base.filter((b) => b !== forced)] : base);
  if (opts.needsTraining) order = order.filter((b) => b !== "wasm");
  const avail = new Set(availableBackends());
  for (const b of order) {
    if (!avail.has(b)) continue;
    try {
      if (tf.getBackend() !== b) {
        const ok = await tf.setBackend(b);
        if (!ok) continue;
      }
      await tf.ready();
      return b;
    } catch {
      /* try the next one */
    }
  }
  throw new Error("No TensorFlow.js backend could be initialised");
}

export function currentBackend(): string {
  return tf.getBackend();
}
