"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
import { useCallback, useEffect, useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { CSRF_COOKIE, CSRF_HEADER } from "@/lib/auth/constants";
import { PICTURE_MODALITIES } from "@/lib/domain/scan";
import { ReasonPrompt } from "./ReasonPrompt";

type Stage = "uploading" | "stored" | "queued" | "running" | "done" | "failed" | "rejected" | "mismatch";
type Item = {
  key: string;
  file: File;
  progress: number;
  stage: Stage;
  message?: string;
  scanId?: string;
  assessmentId?: string;
  duplicate?: boolean;
  mismatch?: { flag: "other_patient" | "unidentified"; dicom: { patientId: string | null; patientName: string | null }; record: { mrn: string; name: string } };
};
type StatusEvent = { id: string; scanId: string | null; status: string; error: string | null };

const isImage = (f: File) => /\.(png|jpe?g)$/i.test(f.name) || f.type === "image/png" || f.type === "image/jpeg";
const csrfToken = () => document.cookie.split("; ").find((c) => c.startsWith(`${CSRF_COOKIE}=`))?.slice(CSRF_COOKIE.length + 1) ?? "";

/**
 * Drag-and-drop (or pick) several scans; each gets a progress bar, then the live status of its
 * assessment (server-sent events). When a scan's assessment is done the page refreshes and the
 * parent can select it.
 */
export function UploadPanel({ patientId, onAssessed }: { patientId: string; onAssessed?: (scanId: string, assessmentId: string) => void }) {
  const router = useRouter();
  const t = useTranslations("upload");
  const tm = useTranslations("modalities");
  const apiError = useApiError();
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const [modality, setModality] = useState("OT");
  const inputRef = useRef<HTMLInputElement>(null);
  const itemsRef = useRef(items);
  useEffect(() => {
    itemsRef.current = items;
  }, [items]);

  const patch = useCallback((key: string, p: Partial<Item>) => setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...p } : x))), []);

  // Live status of this patient's assessments.
  useEffect(() => {
    const es = new EventSource(`/api/patients/${patientId}/events`);
    es.addEventListener("assessments", (ev) => {
      const rows = JSON.parse((ev as MessageEvent).data) as StatusEvent[];
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const it of itemsRef.current) {
        const r = it.assessmentId ? byId.get(it.assessmentId) : undefined;
        if (!r || it.stage === "done" || it.stage === "failed") continue;
        const stage = r.status as Stage;
        if (stage !== it.stage) {
          patch(it.key, { stage, message: r.error ?? undefined });
          if (stage === "done") {
            router.refresh();
            if (it.scanId) onAssessed?.(it.scanId, r.id);
          }
        }
      }
    });
    return () => es.close();
  }, [patientId, patch, router, onAssessed]);

  const send = useCallback(
    (item: Item, identityReason: string | null = null) => {
      const form = new FormData();
      form.append("file", item.file);
      if (isImage(item.file)) form.append("modality", modality);
      if (identityReason) {
        form.append("confirmPatientMismatch", "true");
        form.append("identityReason", identityReason);
      }
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `/api/patients/${patientId}/scans`);
      xhr.setRequestHeader(CSRF_HEADER, csrfToken());
      xhr.upload.onprogress = (e) => e.lengthComputable && patch(item.key, { progress: e.loaded / e.total });
      xhr.onerror = () => patch(item.key, { stage: "rejected", message: t("interrupted") });
      xhr.onload = () => {
        let body: { scan?: { id: string }; assessment?: { id: string; status: string } | null; duplicate?: boolean; error?: { code: string; message: string; details?: unknown } } = {};
        try {
          body = JSON.parse(xhr.responseText);
        } catch {}
        if (xhr.status === 201 || xhr.status === 200) {
          const a = body.assessment;
          patch(item.key, {
            progress: 1,
            stage: (a?.status as Stage) ?? "stored",
            scanId: body.scan?.id,
            assessmentId: a?.id,
            duplicate: !!body.duplicate,
            message: body.duplicate ? t("duplicate") : undefined,
          });
          if (a?.status === "done" && body.scan) onAssessed?.(body.scan.id, a.id);
          router.refresh();
        } else if (xhr.status === 409 && (body.error?.code === "patient_mismatch" || body.error?.code === "patient_unidentified")) {
          patch(item.key, { stage: "mismatch", message: apiError(body, xhr.status), mismatch: body.error.details as Item["mismatch"] });
        } else {
          patch(item.key, { stage: "rejected", message: apiError(body, xhr.status) });
        }
      };
      patch(item.key, { stage: "uploading", progress: 0, message: undefined });
      xhr.send(form);
    },
    [patientId, modality, patch, router, onAssessed, t, apiError],
  );

  const addFiles = (files: FileList | File[]) => {
    const list = Array.from(files).map((file, i) => ({ key: `${Date.now()}-${i}-${file.name}`, file, progress: 0, stage: "uploading" as Stage }));
    setItems((xs) => [...list, ...xs]);
    list.forEach((it) => send(it));
  };

  return (
    <section className="panel" aria-labelledby="upload-title">
      <h2 id="upload-title">{t("heading")}</h2>
      <div
        role="button"
        tabIndex={0}
        aria-describedby="upload-help"
        data-testid="dropzone"
        onClick={() => inputRef.current?.click()}
        onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && inputRef.current?.click()}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (e.dataTransfer.files.length) addFiles(e.dataTransfer.files);
        }}
        style={{
          border: `2px dashed ${dragging ? "var(--accent)" : "var(--line)"}`,
          background: dragging ? "#eef5fc" : "transparent",
          borderRadius: 8,
          padding: "1rem",
          textAlign: "center",
          cursor: "pointer",
        }}
      >
        {t.rich("drop", { u: (c) => <u>{c}</u> })}
        <p id="upload-help" className="muted" style={{ margin: "0.3rem 0 0", fontSize: "0.85rem" }}>
          {t("help")}
        </p>
      </div>
      <input
        ref={inputRef}
        type="file"
        multiple
        accept=".dcm,.dicom,application/dicom,image/png,image/jpeg"
        aria-label={t("choose")}
        data-testid="upload-input"
        style={{ display: "none" }}
        onChange={(e) => {
          if (e.target.files?.length) addFiles(e.target.files);
          e.target.value = "";
        }}
      />
      <label style={{ display: "flex", gap: "0.5rem", alignItems: "center", marginTop: "0.6rem", fontSize: "0.9rem" }}>
        {t("modality")}
        <select value={modality} onChange={(e) => setModality(e.target.value)}>
          {Object.keys(PICTURE_MODALITIES).map((code) => (
            <option key={code} value={code}>{`${code} — ${tm(code as keyof typeof PICTURE_MODALITIES)}`}</option>
          ))}
        </select>
      </label>
      {items.length > 0 && (
        <ul aria-label={t("list")} style={{ listStyle: "none", padding: 0, margin: "0.8rem 0 0", display: "grid", gap: "0.5rem" }}>
          {items.map((it) => (
            <li key={it.key} data-testid="upload-item" data-stage={it.stage} style={{ borderTop: "1px solid var(--line)", paddingTop: "0.5rem" }}>
              <div style={{ display: "flex", justifyContent: "space-between", gap: "1rem" }}>
                <strong style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{it.file.name}</strong>
                <span className={`badge ${it.stage === "failed" || it.stage === "rejected" ? "active" : ""}`} role="status">
                  {t(`stage.${it.stage}`)}
                </span>
              </div>
              <progress max={1} value={it.stage === "uploading" ? it.progress : 1} aria-label={t("progress", { name: it.file.name })} style={{ width: "100%" }} />
              {it.message && <p className={it.stage === "rejected" || it.stage === "failed" ? "error-box" : "muted"} style={{ margin: "0.2rem 0", fontSize: "0.88rem" }}>{it.message}</p>}
              {it.stage === "mismatch" && it.mismatch && (
                <div className="notice caution" role="alertdialog" aria-label={t("check", { name: it.file.name })} data-testid="identity-prompt">
                  {it.mismatch.flag === "other_patient" ? (
                    <p style={{ margin: "0 0 0.4rem" }}>
                      {t.rich("otherPatient", { b: (c) => <b>{c}</b>, name: it.mismatch.dicom.patientName?.trim() || t("unnamed"), id: it.mismatch.dicom.patientId ?? t("none"), record: it.mismatch.record.name, mrn: it.mismatch.record.mrn })}
                    </p>
                  ) : (
                    <p style={{ margin: "0 0 0.4rem" }}>
                      {t.rich("unidentified", { b: (c) => <b>{c}</b>, name: it.mismatch.dicom.patientName?.trim() || t("none"), id: it.mismatch.dicom.patientId?.trim() || t("none"), record: it.mismatch.record.name, mrn: it.mismatch.record.mrn })}
                    </p>
                  )}
                  <ReasonPrompt
                    label={t("whyBelongs")}
                    confirmLabel={t("attach")}
                    onConfirm={(reason) => send(it, reason)}
                    onCancel={() => setItems((xs) => xs.filter((x) => x.key !== it.key))}
                    testId="identity-reason-form"
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
