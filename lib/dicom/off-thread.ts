import path from "node:path";
import { availableParallelism } from "node:os";
import Piscina from "piscina";
import { DicomError } from "./errors";
import { imageLimits, type ImageLimits } from "./limits";
import type { ScanContentType } from "./image";
import type { DecodedScan, DicomJsonOutput, RenderedPreview, TaskResult } from "./worker/tasks";
import type { RetrievedFrames } from "./frames";
import type { DicomTag } from "./tags";
import { processGlobals } from "@/lib/platform/process-globals";

export type { DecodedScan, RenderedPreview } from "./worker/tasks";

/**
 * Parsing and decoding of untrusted files run in a small pool of worker threads (Piscina), never
 * on the thread that answers requests: one slow or hostile file cannot stall every other request,
 * a decode that runs past its deadline is stopped (its thread is terminated and replaced), and a
 * full queue refuses new work at once instead of piling it up.
 *
 * Env: FUSION_DECODE_THREADS (default: cores − 1, at least 1, at most 4), FUSION_DECODE_QUEUE
 * (waiting tasks, default 16 per thread), FUSION_DECODE_TIMEOUT_MS (default 30 000).
 */

const g = processGlobals<{ __fusionDecodePool?: Piscina }>();

function settings(env = process.env) {
  const n = (v: string | undefined, d: number) => (v && Number.isFinite(Number(v)) && Number(v) > 0 ? Math.floor(Number(v)) : d);
  const threads = n(env.FUSION_DECODE_THREADS, Math.min(4, Math.max(1, availableParallelism() - 1)));
  return { threads, queue: n(env.FUSION_DECODE_QUEUE, 16 * threads), timeoutMs: n(env.FUSION_DECODE_TIMEOUT_MS, 30_000) };
}

function pool(): Piscina {
  if (!g.__fusionDecodePool) {
    const s = settings();
    g.__fusionDecodePool = new Piscina({
      // The app, CLIs and tests all run from the project root (webpack moves this module's own URL).
      filename: path.join(process.cwd(), "lib", "dicom", "worker", "entry.mjs"),
      minThreads: 1,
      maxThreads: s.threads,
      maxQueue: s.queue,
      idleTimeout: 60_000,
      // Heap ceiling per thread: a runaway parse dies alone instead of taking the server with it.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
  }
  return g.__fusionDecodePool;
}

async function run<T>(name: string, input: object): Promise<T> {
  const { timeoutMs } = settings();
  let result: TaskResult<T>;
  try {
    result = await pool().run(input, { name, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { name?: string; code?: string };
    if (err?.name === "AbortError" || err?.name === "TimeoutError")
      throw new DicomError("decode_timeout", `The image took longer than ${Math.round(timeoutMs / 1000)} s to read and was stopped; the file may be damaged or far larger than it looks.`);
    if (/queue is at limit/i.test(err?.message ?? ""))
      throw new DicomError("decoder_busy", "The server is reading many images at the moment; try again in a few seconds.");
    if (/out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(`${err?.code} ${err?.message}`))
      throw new DicomError("decode_failed", "The image needed more memory than the server allows for one file and was not read.");
    throw e;
  }
  if (!result.ok) throw new DicomError(result.error.code, result.error.message, { details: result.error.details });
  return result.value;
}

/** Parse (DICOM) and decode one frame ("middle" = the frame an assessment uses) in a worker thread. */
export function decodeScanOffThread(
  bytes: Uint8Array,
  contentType: ScanContentType,
  opts: { frame?: number | "middle"; maxInflatedBytes?: number; limits?: ImageLimits } = {},
): Promise<DecodedScan> {
  return run<DecodedScan>("decodeScan", { bytes, contentType, frame: opts.frame ?? "middle", maxInflatedBytes: opts.maxInflatedBytes, limits: opts.limits ?? imageLimits() });
}

/** The first frame of a DICOM file as a display-ready PNG, rendered in a worker thread. */
export function renderPreviewOffThread(bytes: Uint8Array, maxSize: number, limits: ImageLimits = imageLimits()): Promise<RenderedPreview> {
  return run<RenderedPreview>("preview", { bytes, maxSize, limits });
}

/** A DICOM header as tag-panel rows, parsed in a worker thread. */
export function readTagsOffThread(bytes: Uint8Array, limits: ImageLimits = imageLimits()): Promise<{ tags: DicomTag[]; tagsOmitted: number }> {
  return run("readTags", { bytes, limits });
}

/** The header in the DICOM JSON model (WADO-RS metadata; Pixel Data left out), read in a worker thread. */
export function dicomJsonOffThread(bytes: Uint8Array, limits: ImageLimits = imageLimits()): Promise<DicomJsonOutput> {
  return run("dicomJson", { bytes, limits });
}

/** Frames (1-based) as stored ("*"), as a named syntax, or (null) Explicit VR Little Endian, in a worker thread. */
export function framesOffThread(bytes: Uint8Array, frames: number[], transferSyntax: string | null, limits: ImageLimits = imageLimits()): Promise<RetrievedFrames> {
  return run("frames", { bytes, frames, transferSyntax, limits });
}

/** Starts the first worker thread (and compiles its code) ahead of the first file. */
export async function warmDecodePool(): Promise<void> {
  await pool().run(null, { name: "warm" });
}

/** Stops the worker threads (tests, CLIs, shutdown). The next call starts a new pool. */
export async function closeDecodePool(): Promise<void> {
  const p = g.__fusionDecodePool;
  g.__fusionDecodePool = undefined;
  await p?.destroy();
}
