/**
 * Runs once when the Next.js server starts: brings up the assessment queue and the in-process
 * worker (unless FUSION_INPROCESS_WORKER=0), so jobs left queued by a restart are picked up
 * without waiting for the next upload.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { warmDecodePool } = await import("@/lib/dicom/off-thread");
  warmDecodePool().catch((e) => console.error(`[decode] the decode worker threads did not start: ${(e as Error).message}`));
  if (process.env.FUSION_INPROCESS_WORKER === "0") return;
  const { jobRuntime } = await import("@/lib/jobs/runtime");
  jobRuntime()
    .then((rt) => console.log(`[jobs] queue ready; in-process worker ${rt.worker ? "running" : "off"} (${rt.assessor.model.name}@${rt.assessor.model.version}, ${rt.assessor.model.backend})`))
    .catch((e) => console.error(`[jobs] the assessment queue did not start: ${(e as Error).message}`));
}
