/**
 * Backend selection for TensorFlow.js on the server: native TensorFlow (`@tensorflow/tfjs-node`,
 * an optionalDependency — absent unless installed, e.g. by `npm run tfjs-node:offline`), else
 * WebAssembly (SIMD, single-threaded in Node; inference only — it cannot train conv layers), else
 * the pure-JS cpu backend. `FUSION_BACKEND=tensorflow|wasm|cpu` forces one.
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import path from "node:path";

export type BackendName = "tensorflow" | "wasm" | "cpu";
const require = createRequire(import.meta.url);

let tfjsNodeTried = false;
function tryTfjsNode(): boolean {
  if (tf.findBackendFactory("tensorflow")) return true;
  if (tfjsNodeTried) return false;
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

export const DEFAULT_ORDER: BackendName[] = ["tensorflow", "wasm", "cpu"];

/**
 * Activate the first backend of `order` that initialises (default: FUSION_BACKEND, else
 * tensorflow → wasm → cpu). Returns its name. `needsTraining` skips wasm (no conv gradients).
 */
export async function initBackend(opts: { order?: BackendName[]; needsTraining?: boolean } = {}): Promise<BackendName> {
  const forced = process.env.FUSION_BACKEND as BackendName | undefined;
  let order = opts.order ?? (forced ? [forced, ...DEFAULT_ORDER.filter((b) => b !== forced)] : DEFAULT_ORDER);
  if (opts.needsTraining) order = order.filter((b) => b !== "wasm");
  const avail = new Set(availableBackends());
  for (const b of order) {
    if (!avail.has(b)) continue;
    try {
      if (tf.getBackend() !== b || !tf.engine().backend) {
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
