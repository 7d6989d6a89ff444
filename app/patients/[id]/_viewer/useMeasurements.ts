"use client";
import { useTranslations } from "next-intl";
import { useApiError } from "@/app/_components/useApiError";
// Saved measurements of the open scan (issue 16): loads them when the scan is drawn and re-adds
// them to Cornerstone's annotation state (locked), saves each annotation a clinician finishes
// (ANNOTATION_COMPLETED) through POST /api/scans/{id}/measurements, deletes the clinician's own.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { eventTarget, type Types } from "@cornerstonejs/core";
import { Enums as ToolEnums, type Types as ToolTypes } from "@cornerstonejs/tools";
import type { MeasurementList, MeasurementView } from "@/lib/domain/measurement";
import { api } from "../_components/api";
import { imageIdsFor } from "./imageIds";
import { addSavedAnnotation, clearMeasureAnnotations, measurementFromAnnotation, MEASURE_TOOLS, removeMeasureAnnotation } from "./tools/measure";
import type { ViewerScan } from "./types";

/** The panel's notes in the interface language (messages/<locale>.json → viewer.measurements). */
function useMeasurementText() {
  const t = useTranslations("viewer.measurements");
  const apiError = useApiError();
  return useMemo(
    () => ({
      why: (r: { code: string; message: string; status: number }) => apiError({ error: r }, r.status),
      loadFailed: (why: string) => t("loadFailed", { why }),
      saveFailed: (why: string) => t("saveFailed", { why }),
      nothingMeasured: t("nothingMeasured"),
      saved: t("saved"),
      deleteFailed: (why: string) => t("deleteFailed", { why }),
      deleted: t("deleted"),
    }),
    [t, apiError],
  );
}

const ourTools = new Set(MEASURE_TOOLS.map((t) => t.toolName));

export function useMeasurements(scan: ViewerScan | null, getViewport: () => Types.IStackViewport | null, ready: boolean) {
  const TEXT = useMeasurementText();
  const scanId = scan?.id ?? null;
  // kept per scan: a new scan shows nothing of the previous one
  const [list, setList] = useState<{ scanId: string | null; items: MeasurementView[] }>({ scanId: null, items: [] });
  const [note, setNote] = useState<{ scanId: string | null; text: string | null }>({ scanId: null, text: null });
  const items = list.scanId === scanId ? list.items : [];
  const message = note.scanId === scanId ? note.text : null;
  const setMessage = useCallback((text: string | null) => setNote({ scanId, text }), [scanId]);
  const setItems = useCallback((f: (xs: MeasurementView[]) => MeasurementView[]) => setList((l) => ({ scanId, items: f(l.scanId === scanId ? l.items : []) })), [scanId]);
  // keyed by value: the record refreshing its scan list must not reload (and re-audit) the measurements
  const idsKey = scan ? imageIdsFor(scan).join("\n") : "";
  const imageIds = useMemo(() => (idsKey ? idsKey.split("\n") : []), [idsKey]);
  const saved = useRef(new Set<string>());

  const redraw = useCallback(() => getViewport()?.render(), [getViewport]);

  // load the scan's saved measurements once it is drawn, and draw them
  useEffect(() => {
    if (!ready || !scanId) return;
    let stale = false;
    void api<MeasurementList>(`/api/scans/${scanId}/measurements`).then((r) => {
      if (stale) return;
      if (!r.ok) return setMessage(TEXT.loadFailed(TEXT.why(r)));
      const vp = getViewport();
      clearMeasureAnnotations();
      saved.current = new Set(r.data.items.map((m) => m.id));
      if (vp) for (const m of r.data.items) addSavedAnnotation(vp, m, imageIds);
      setItems(() => r.data.items);
      vp?.render();
    });
    return () => {
      stale = true;
    };
  }, [ready, scanId, imageIds, getViewport, setItems, setMessage, TEXT]);

  // a new scan: nothing of the previous one stays drawn
  useEffect(() => () => clearMeasureAnnotations(), [scanId]);

  // save every annotation a clinician finishes on this scan
  useEffect(() => {
    if (!scanId) return;
    const onCompleted = async (evt: Event) => {
      const a = (evt as CustomEvent<{ annotation?: ToolTypes.Annotation }>).detail?.annotation;
      const uid = a?.annotationUID;
      if (!a?.metadata || !uid || !ourTools.has(a.metadata.toolName) || saved.current.has(uid) || !imageIds.includes(a.metadata.referencedImageId ?? "")) return;
      const input = await measurementFromAnnotation(a, imageIds);
      if (!input) {
        removeMeasureAnnotation(uid);
        redraw();
        return setMessage(TEXT.nothingMeasured);
      }
      const r = await api<MeasurementView>(`/api/scans/${scanId}/measurements`, { method: "POST", body: input });
      removeMeasureAnnotation(uid);
      const vp = getViewport();
      if (!r.ok) {
        redraw();
        return setMessage(TEXT.saveFailed(TEXT.why(r)));
      }
      // the stored measurement replaces what was drawn: locked, as the next reader will see it
      saved.current.add(r.data.id);
      if (vp) addSavedAnnotation(vp, r.data, imageIds);
      redraw();
      setItems((xs) => [...xs, r.data]);
      setMessage(TEXT.saved);
    };
    eventTarget.addEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, onCompleted);
    return () => eventTarget.removeEventListener(ToolEnums.Events.ANNOTATION_COMPLETED, onCompleted);
  }, [scanId, imageIds, getViewport, redraw, setItems, setMessage, TEXT]);

  const remove = useCallback(
    async (m: MeasurementView) => {
      const r = await api(`/api/scans/${m.scanId}/measurements/${m.id}`, { method: "DELETE" });
      if (!r.ok) return setMessage(TEXT.deleteFailed(TEXT.why(r)));
      saved.current.delete(m.id);
      removeMeasureAnnotation(m.id);
      redraw();
      setItems((xs) => xs.filter((x) => x.id !== m.id));
      setMessage(TEXT.deleted);
    },
    [redraw, setItems, setMessage, TEXT],
  );

  return { items, message, remove };
}
