"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { api } from "./api";

/**
 * After the record changes, scores computed from the old record are stale: offer a new run.
 * POST /api/patients/{id}/assessments belongs to the assessment pipeline (lib/jobs).
 */
export function RerunOffer({ patientId, scanId, onClose }: { patientId: string; scanId: string | null; onClose: () => void }) {
  const router = useRouter();
  const t = useTranslations("rerun");
  const tc = useTranslations("common");
  const apiError = useApiError();
  const [state, setState] = useState<"idle" | "busy" | "queued" | { error: string }>("idle");
  const run = async () => {
    setState("busy");
    const r = await api(`/api/patients/${patientId}/assessments`, { method: "POST", body: { scanId } });
    if (r.ok) {
      setState("queued");
      router.refresh(); // the queued assessment appears; the workspace follows it until done
    }
    else setState({ error: r.status === 404 || r.status === 405 ? t("unavailable") : apiError({ error: r }, r.status) });
  };
  return (
    <div className="notice rerun" role="status" data-testid="rerun-offer">
      {state === "queued" ? (
        <>{t("queued")} <button type="button" className="secondary small" onClick={onClose}>{tc("close")}</button></>
      ) : (
        <>
          {t("offer")}{" "}
          <button type="button" className="small" onClick={run} disabled={state === "busy"}>{t("run")}</button>{" "}
          <button type="button" className="secondary small" onClick={onClose}>{t("notNow")}</button>
          {typeof state === "object" && <span className="error-text"> {state.error}</span>}
        </>
      )}
    </div>
  );
}
