/**
 * Runs once when the Next.js server starts: the decode threads, the assessment queue and — unless
 * FUSION_INPROCESS_WORKER=0 — the in-process worker (which loads the model), so that jobs left
 * queued by a restart are picked up without waiting for the next upload. Requests never wait for
 * the model: uploads queue for the registry's active version (lib/jobs/README.md).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { warmDecodePool } = await import("@/lib/dicom/off-thread");
  warmDecodePool().catch((e) => console.error(`[decode] the decode worker threads did not start: ${(e as Error).message}`));
  const { assessmentQueue, startInProcessWorker, startInProcessTrainingWorker } = await import("@/lib/jobs/runtime");
  assessmentQueue().catch((e) => console.error(`[jobs] the assessment queue did not start: ${(e as Error).message}`));
  if (process.env.FUSION_INPROCESS_WORKER === "0") return;
  startInProcessTrainingWorker()?.catch((e) => console.error(`[training] the in-process training worker did not start: ${(e as Error).message}`));
  startInProcessWorker()
    .then((rw) => rw && console.log(`[jobs] in-process worker running (${rw.assessor.model.name}@${rw.assessor.model.version}, ${rw.assessor.model.backend})`))
    .catch((e) => console.error(`[jobs] the in-process worker did not start (uploads are still queued): ${(e as Error).message}`));
}
