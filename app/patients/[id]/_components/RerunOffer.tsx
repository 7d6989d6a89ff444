"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "./api";

/**
 * After the record changes, scores computed from the old record are stale: offer a new run.
 * POST /api/patients/{id}/assessments belongs to the assessment pipeline (lib/jobs).
 */
export function RerunOffer({ patientId, scanId, onClose }: { patientId: string; scanId: string | null; onClose: () => void }) {
  const router = useRouter();
  const [state, setState] = useState<"idle" | "busy" | "queued" | { error: string }>("idle");
  const run = async () => {
    setState("busy");
    const r = await api(`/api/patients/${patientId}/assessments`, { method: "POST", body: { scanId } });
    if (r.ok) {
      setState("queued");
      router.refresh(); // the queued assessment appears; the workspace follows it until done
    }
    else setState({ error: r.status === 404 || r.status === 405 ? "Re-running from the record page is not available on this server yet." : r.message });
  };
  return (
    <div className="notice rerun" role="status" data-testid="rerun-offer">
      {state === "queued" ? (
        <>Assessment queued; the scores update when it finishes. <button type="button" className="secondary small" onClick={onClose}>Close</button></>
      ) : (
        <>
          The record changed, so the current scores no longer reflect it. Re-run the assessment?{" "}
          <button type="button" className="small" onClick={run} disabled={state === "busy"}>Re-run assessment</button>{" "}
          <button type="button" className="secondary small" onClick={onClose}>Not now</button>
          {typeof state === "object" && <span className="error-text"> {state.error}</span>}
        </>
      )}
    </div>
  );
}
