/**
 * The training computation in a child process of the worker (runner.ts trainInChild): TensorFlow.js
 * training keeps a CPU busy for long stretches, and in the web server that would stall every
 * request. This process touches no database (the embedded one allows a single process): it trains
 * from the snapshot file into the bundle folder and reports progress and the result over IPC.
 *   parent → child: { type: "start", request } | { type: "cancel" }
 *   child → parent: { type: "progress", progress } | { type: "done", result } | { type: "cancelled" } | { type: "error", message }
 */
import { trainCandidate, TrainingCancelled, type TrainRequest, type TrainRequestOptions } from "@/models/fusion/api";

const ac = new AbortController();
const send = (m: unknown) => process.send?.(m);

process.on("message", async (m: { type: "start"; request: Omit<TrainRequest, "signal" | "onProgress"> & TrainRequestOptions } | { type: "cancel" }) => {
  if (m.type === "cancel") return ac.abort();
  try {
    const result = await trainCandidate({ ...m.request, signal: ac.signal, onProgress: (progress) => send({ type: "progress", progress }) });
    send({ type: "done", result });
  } catch (e) {
    send(e instanceof TrainingCancelled || ac.signal.aborted ? { type: "cancelled" } : { type: "error", message: String((e as Error)?.message ?? e) });
  } finally {
    process.disconnect?.();
  }
});
process.on("disconnect", () => ac.abort());
