"use client";
// Owns the Cornerstone rendering engine, the one stack viewport and its tool group for the
// lifetime of the viewer, and mirrors the viewport's state into React.
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";
import { Enums, RenderingEngine, eventTarget, getShouldUseCPURendering, type Types } from "@cornerstonejs/core";
import { Enums as ToolEnums, ToolGroupManager, type Types as ToolTypes } from "@cornerstonejs/tools";
import { prefetchPart10Instance, wadors } from "@cornerstonejs/dicom-image-loader";
import { initCornerstone } from "./cornerstone";
import { imageIdsFor, scanFileUrl, wadorsInstanceUrl } from "./imageIds";
import { takePrefetchedScanFile } from "./scanBytes";
import { readWindow } from "./tools/windowLevel";
import { applyDefaultView, defaultViewOf } from "./tools/defaultView";
import { stackScrollToolName } from "./tools/stackScroll";
import { panTool, recordFittedZoom, relativeZoom, zoomTool } from "./tools/zoomPan";
import { windowLevelTool } from "./tools/windowLevel";
import { MEASURE_TOOLS } from "./tools/measure";
import { readTransform } from "./tools/view";
import type { MouseTool } from "./tools/types";
import type { ViewerScan, ViewportState } from "./types";

let seq = 0;
let firstPaintMarked = false;
const initial: ViewportState = { status: "idle", error: null, windowWidth: null, windowCenter: null, zoom: 1, frame: 0, frames: 0, invert: false, color: false, rotation: 0, flipHorizontal: false, flipVertical: false, renderer: null };
/** Navigation tools for the left mouse button (the measure tools of tools/measure.ts follow them in the toolbar). */
export const MOUSE_TOOLS: MouseTool[] = [windowLevelTool, panTool, zoomTool];
const ALL_TOOLS: MouseTool[] = [...MOUSE_TOOLS, ...MEASURE_TOOLS];
const isMeasure = (id: MouseTool["id"]) => MEASURE_TOOLS.some((m) => m.id === id);

export function useViewport(elementRef: RefObject<HTMLDivElement | null>, scan: ViewerScan | null) {
  const hasScan = scan !== null;
  const [state, setState] = useState<ViewportState>(initial);
  const [primary, setPrimary] = useState<MouseTool["id"]>("windowLevel");
  const handles = useRef<{ engine: Types.IRenderingEngine; viewport: Types.IStackViewport; toolGroup: ToolTypes.IToolGroup } | null>(null);
  // a failed decode can leave the viewport's camera broken (NaN zoom): the next scan gets a fresh one
  const poisoned = useRef(false);
  const [ready, setReady] = useState(false);
  const [initError, setInitError] = useState<string | null>(null);

  const sync = useCallback(() => {
    const h = handles.current;
    if (!h) return;
    const vp = h.viewport;
    const w = readWindow({ viewport: vp });
    const image = vp.getCornerstoneImage?.();
    setState((s) => ({
      ...s,
      windowWidth: w ? Math.round(w.width) : null,
      windowCenter: w ? Math.round(w.center) : null,
      zoom: Math.round(relativeZoom(vp) * 100) / 100,
      frame: vp.getCurrentImageIdIndex(),
      frames: vp.getImageIds().length,
      // inverted against the scan's default polarity (MONOCHROME1 opens with Cornerstone's invert on)
      invert: !!vp.getProperties().invert !== (defaultViewOf(vp)?.invert ?? false),
      color: !!image?.color,
      ...readTransform(vp),
    }));
  }, []);

  // engine + viewport + tool group, once
  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let cancelled = false;
    const id = `fcds-${++seq}`;
    const events = [Enums.Events.VOI_MODIFIED, Enums.Events.CAMERA_MODIFIED, Enums.Events.STACK_NEW_IMAGE, Enums.Events.IMAGE_RENDERED];
    (async () => {
      try {
        performance.mark("fcds:viewer-mounted");
        await initCornerstone();
        performance.mark("fcds:cornerstone-ready");
      } catch (e) {
        console.warn("viewer: Cornerstone could not start:", e); // for support; the clinician reads the sentence below
        setInitError(LOAD_ERROR.start);
        return;
      }
      if (cancelled) return;
      const engine = new RenderingEngine(`${id}-engine`);
      engine.enableElement({ viewportId: `${id}-vp`, type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] as Types.Point3 } });
      const viewport = engine.getViewport(`${id}-vp`) as Types.IStackViewport;
      const toolGroup = ToolGroupManager.createToolGroup(`${id}-tools`)!;
      for (const t of [...ALL_TOOLS.map((m) => m.toolName), stackScrollToolName]) toolGroup.addTool(t);
      // measure tools draw their (saved) annotations while another tool has the mouse
      for (const m of MEASURE_TOOLS) toolGroup.setToolEnabled(m.toolName);
      const { MouseBindings } = ToolEnums;
      toolGroup.setToolActive(windowLevelTool.toolName, { bindings: [{ mouseButton: MouseBindings.Primary }] });
      toolGroup.setToolActive(panTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
      toolGroup.setToolActive(zoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }] });
      toolGroup.setToolActive(stackScrollToolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
      toolGroup.addViewport(viewport.id, engine.id);
      handles.current = { engine, viewport, toolGroup };
      for (const ev of events) element.addEventListener(ev, sync);
      performance.mark("fcds:viewport-ready");
      setState((s) => ({ ...s, renderer: getShouldUseCPURendering() ? "cpu" : "gpu" }));
      setReady(true);
    })();
    const ro = new ResizeObserver(() => {
      const h = handles.current;
      if (!h) return;
      h.engine.resize(true, true);
      sync();
    });
    ro.observe(element);
    return () => {
      cancelled = true;
      ro.disconnect();
      for (const ev of events) element.removeEventListener(ev, sync);
      const h = handles.current;
      handles.current = null;
      setReady(false);
      if (h) {
        ToolGroupManager.destroyToolGroup(h.toolGroup.id);
        h.engine.destroy();
      }
    };
    // hasScan: with no scans the shell renders no viewport element; the first upload mounts it
  }, [elementRef, sync, hasScan]);

  // load the selected scan
  useEffect(() => {
    const h = handles.current;
    if (!ready || !h || !scan) return;
    let stale = false;
    let failed = false;
    if (poisoned.current) {
      poisoned.current = false;
      const id = h.viewport.id;
      const element = h.viewport.element;
      h.toolGroup.removeViewports(h.engine.id, id);
      h.engine.disableElement(id);
      h.engine.enableElement({ viewportId: id, type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] as Types.Point3 } });
      h.viewport = h.engine.getViewport(id) as Types.IStackViewport;
      h.toolGroup.addViewport(id, h.engine.id);
    }
    const markFailed = () => {
      failed = true;
      poisoned.current = true;
    };
    setState((s) => ({ ...s, status: "loading", error: null }));
    const imageIds = imageIdsFor(scan);
    const onError = (evt: Event) => {
      const d = (evt as CustomEvent).detail as { imageId?: string; error?: unknown };
      if (stale || !d?.imageId || !imageIds.includes(d.imageId)) return;
      markFailed();
      setState((s) => ({ ...s, status: "error", error: describeLoadError(d.error, scan) }));
    };
    eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_ERROR, onError);
    // bytes the placeholder prefetched (scanBytes.ts) are handed to the DICOM loader as this
    // instance's Part 10 data, so setStack decodes them instead of requesting the file again
    const url = scanFileUrl(scan.id);
    const prefetched = scan.contentType === "application/dicom" && !scan.dicomweb ? takePrefetchedScanFile(url) : null;
    const handOver = scan.dicomweb
      ? registerWadorsMetadata(scan.dicomweb, imageIds)
      : prefetched
        ? prefetched.then((bytes) => prefetchPart10Instance(`wadouri:${url}`, bytes)).catch(() => undefined) // the loader fetches it itself and reports why
        : Promise.resolve();
    handOver
      .then(() => (stale ? undefined : h.viewport.setStack(imageIds, 0)))
      .then(() => {
        if (stale || failed) return;
        // Some codecs log and return an empty frame instead of throwing (openjpeg on a damaged
        // codestream): treat a frame without the scan's geometry as a decode failure.
        const img = h.viewport.getCornerstoneImage?.();
        const bad = !img || !(img.columns > 0) || !(img.rows > 0) || (scan.columns > 0 && (img.columns !== scan.columns || img.rows !== scan.rows));
        if (bad) {
          markFailed();
          setState((s) => ({ ...s, status: "error", error: describeLoadError(new Error("the decoder returned no usable pixels (damaged or unsupported compressed data)"), scan) }));
          return;
        }
        applyDefaultView({ viewport: h.viewport, modality: scan.modality });
        h.viewport.resetCamera();
        recordFittedZoom(h.viewport);
        if (!firstPaintMarked) {
          // the rendering engine draws on the next animation frame: mark when the pixels are there
          firstPaintMarked = true;
          h.viewport.element.addEventListener(Enums.Events.IMAGE_RENDERED, () => performance.mark("fcds:image-painted"), { once: true });
        }
        h.viewport.render();
        performance.mark("fcds:image-rendered");
        setState((s) => ({ ...s, status: "ready" }));
        sync();
      })
      .catch((e: unknown) => {
        markFailed();
        if (!stale) setState((s) => ({ ...s, status: "error", error: describeLoadError(e, scan) }));
      });
    return () => {
      stale = true;
      eventTarget.removeEventListener(Enums.Events.IMAGE_LOAD_ERROR, onError);
    };
  }, [ready, scan, sync]);

  const choosePrimary = useCallback((id: MouseTool["id"]) => {
    const h = handles.current;
    if (!h) return;
    const next = ALL_TOOLS.find((m) => m.id === id)!;
    for (const m of ALL_TOOLS) {
      if (m.id === id) continue;
      if (isMeasure(m.id)) h.toolGroup.setToolEnabled(m.toolName);
      else h.toolGroup.setToolPassive(m.toolName);
    }
    h.toolGroup.setToolActive(next.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
    setPrimary(id);
  }, []);

  const viewport = useCallback(() => handles.current?.viewport ?? null, []);
  return { state: initError ? { ...state, status: "error" as const, error: initError } : state, primary, choosePrimary, viewport, ready, sync };
}

/**
 * WADO-RS image ids need the instance's header first (Cornerstone's wadors loader reads the pixel
 * module from it): the DICOM JSON from /metadata, registered for every frame's image id.
 */
async function registerWadorsMetadata(d: NonNullable<ViewerScan["dicomweb"]>, imageIds: string[]): Promise<void> {
  if (wadors.metaDataManager.get(imageIds[0])) return;
  const r = await fetch(`${wadorsInstanceUrl(d)}/metadata`, { credentials: "same-origin", headers: { accept: "application/dicom+json" } });
  if (!r.ok) throw new Error(`The instance's header could not be fetched (HTTP ${r.status}).`);
  const [instance] = (await r.json()) as Record<string, unknown>[];
  if (!instance) throw new Error("The server returned no header for this instance.");
  for (const id of imageIds) wadors.metaDataManager.add(id, { ...instance } as never);
}

/**
 * What the clinician reads when a scan cannot be shown: what happened and what to do, in the
 * clinic's words. The technical cause (decoder message, transfer syntax, URL) goes to the browser
 * console for support, never onto the screen.
 */
/** The two sentences a clinician can read (ViewerShell shows them in the interface language). */
export const LOAD_ERROR = {
  start: "The image viewer could not start in this browser. Reload the page to try again; the rest of the record is unaffected.",
  server: "This image could not be loaded from the server. Check the connection and select the scan again.",
  cannotShow: "This image cannot be shown in the viewer. The scan is kept in the record and its risk scores are not affected. Choose another scan, or ask IT support to check the file's format.",
} as const;

function describeLoadError(e: unknown, scan: ViewerScan): string {
  const raw = e instanceof Error ? e.message : typeof e === "string" ? e : (e as { message?: string; error?: { message?: string } })?.message ?? (e as { error?: { message?: string } })?.error?.message ?? "";
  console.warn(`viewer: scan ${scan.id} (transfer syntax ${scan.transferSyntaxUid ?? "none"}) could not be displayed:`, raw || e);
  if (/status|http|fetch|network|40\d|50\d/i.test(raw)) return LOAD_ERROR.server;
  return LOAD_ERROR.cannotShow;
}
