"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";

type Row = { id: string; status: string };

/**
 * Keeps the record page current while it is open: the patient's event stream
 * (/api/patients/{id}/events) says when the record version moves — an edit in another tab, by
 * another user, a FHIR import — and when an assessment this page does not show as finished
 * finishes (e.g. the automatic re-assessment). Either way the server component re-renders, so the
 * "record changed since this score" flag appears, and goes once the new score is stored.
 */
export function useRecordWatch(patientId: string, recordVersion: number, shownDone: ReadonlySet<string>) {
  const router = useRouter();
  useEffect(() => {
    const es = new EventSource(`/api/patients/${patientId}/events`);
    es.addEventListener("record", (ev) => {
      const v = (JSON.parse((ev as MessageEvent).data) as { recordVersion: number }).recordVersion;
      if (v !== recordVersion) router.refresh();
    });
    es.addEventListener("assessments", (ev) => {
      const rows = JSON.parse((ev as MessageEvent).data) as Row[];
      if (rows.some((r) => (r.status === "done" || r.status === "failed") && !shownDone.has(r.id))) router.refresh();
    });
    return () => es.close();
  }, [patientId, recordVersion, shownDone, router]);
}
