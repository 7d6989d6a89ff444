"use client";
import { useTranslations } from "next-intl";
// The viewer: a small shell that wires the viewport hook to tool modules, overlays and panels.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useViewport, MOUSE_TOOLS, LOAD_ERROR } from "./useViewport";
import { Toolbar } from "./Toolbar";
import { SeriesBrowser, type ScanScore } from "./SeriesBrowser";
import { DicomTagPanel } from "./DicomTagPanel";
import { SaliencyOverlay } from "./overlays/SaliencyOverlay";
import { ViewportInfo } from "./overlays/ViewportInfo";
import { IdentityFlagOverlay } from "./overlays/IdentityFlagOverlay";
import { OrientationOverlay } from "./overlays/OrientationOverlay";
import { MeasurementPanel } from "./MeasurementPanel";
import { useMeasurements } from "./useMeasurements";
import { MEASURE_TOOLS } from "./tools/measure";
import { flip, nudgeWindow, panBy, rotate90 } from "./tools/view";
import { DEFAULT_CINE_RATE, playCine, stopCine } from "./tools/cine";
import { applyPreset, presetsFor, type Preset } from "./tools/presets";
import { toggleInvert } from "./tools/invert";
import { resetView } from "./tools/reset";
import { goToFrame, scrollFrames } from "./tools/stackScroll";
import { zoomBy } from "./tools/zoomPan";
import { keyAction, SHORTCUTS } from "./tools/keyboard";
import type { ViewerSaliency, ViewerScan } from "./types";
import { previewUrl } from "./imageIds";
import { initCornerstone } from "./cornerstone";

// Start Cornerstone (core, the decoder worker, tools) the moment this chunk has loaded, while React
// is still rendering the shell: the viewport hook then finds it ready.
if (typeof window !== "undefined") {
  performance.mark("fcds:viewer-chunk-loaded");
  void initCornerstone().catch(() => undefined); // the hook reports a failure
}

export type ViewerShellProps = {
  scans: ViewerScan[];
  selectedId: string | null;
  onSelect: (scanId: string) => void;
  saliency: ViewerSaliency | null;
  saliencyVisible: boolean;
  saliencyOpacity: number;
  onToggleSaliency?: () => void;
  /** the newest finished assessment's headline score per scan (series browser) */
  scores?: Record<string, ScanScore>;
  /** Show the server preview while a scan loads (off while the placeholder still covers the shell). */
  preview: boolean;
  /** Called once the first scan is drawn with its tools bound, or failed (the placeholder then steps aside). */
  onSettled: () => void;
  /** Called when a scan cannot be displayed (the record then opens on the newest scan that can). */
  onUndisplayable?: (scanId: string) => void;
};

export default function ViewerShell({ scans, selectedId, onSelect, saliency, saliencyVisible, saliencyOpacity, onToggleSaliency, scores, preview, onSettled, onUndisplayable }: ViewerShellProps) {
  const elementRef = useRef<HTMLDivElement>(null);
  // The overlay needs the element during render: a callback ref mirrors it into state (reading
  // elementRef.current while rendering would not re-render when it is attached).
  const [element, setElement] = useState<HTMLDivElement | null>(null);
  const attachElement = useCallback((el: HTMLDivElement | null) => {
    elementRef.current = el;
    setElement(el);
  }, []);
  const scan = useMemo(() => scans.find((s) => s.id === selectedId) ?? null, [scans, selectedId]);
  const { state, primary, choosePrimary, viewport, sync } = useViewport(elementRef, scan);
  const measurements = useMeasurements(scan, viewport, state.status === "ready");
  const [help, setHelp] = useState(false);
  const tv = useTranslations("viewer");
  // cine plays the scan it was started on only (a new scan opens still)
  const [cine, setCine] = useState<{ playingScanId: string | null; fps: number }>({ playingScanId: null, fps: DEFAULT_CINE_RATE });
  const presets = useMemo(() => presetsFor(scan?.modality ?? ""), [scan?.modality]);
  const disabled = state.status !== "ready";
  const settled = state.status === "ready" || state.status === "error";
  useEffect(() => {
    if (settled) onSettled();
  }, [settled, onSettled]);
  const failedId = state.status === "error" ? scan?.id ?? null : null;
  useEffect(() => {
    if (failedId) onUndisplayable?.(failedId);
  }, [failedId, onUndisplayable]);

  const withViewport = useCallback(<T,>(fn: (ctx: { viewport: NonNullable<ReturnType<typeof viewport>> }) => T) => {
    const vp = viewport();
    return vp ? fn({ viewport: vp }) : undefined;
  }, [viewport]);

  const onPreset = useCallback((p: Preset) => withViewport((c) => applyPreset(c, p)), [withViewport]);

  // cine: stops when the scan changes or stops being shown
  const playing = !!scan && cine.playingScanId === scan.id && state.status === "ready" && state.frames > 1;
  useEffect(() => {
    if (!playing) return;
    const vp = viewport();
    if (!vp) return;
    playCine({ viewport: vp }, cine.fps);
    return () => stopCine({ viewport: vp });
  }, [playing, cine.fps, viewport]);
  const scanId = scan?.id ?? null;
  const toggleCine = useCallback(() => setCine((c) => ({ ...c, playingScanId: c.playingScanId === scanId ? null : scanId })), [scanId]);
  const showMeasurement = useCallback((m: { frameIndex: number }) => {
    setCine((c) => ({ ...c, playingScanId: null }));
    void withViewport((c) => goToFrame(c, m.frameIndex));
  }, [withViewport]);
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const a = keyAction(e);
    if (!a || disabled) return;
    e.preventDefault();
    switch (a.kind) {
      case "mouseTool": return choosePrimary(a.tool);
      case "invert": return void withViewport(toggleInvert);
      case "reset": return withViewport(resetView);
      case "frame": return void withViewport((c) => scrollFrames(c, a.delta));
      case "zoom": return withViewport((c) => zoomBy(c, a.factor));
      case "preset": {
        const p = presets.find((x) => x.key === a.key);
        return p ? onPreset(p) : undefined;
      }
      case "saliency": return onToggleSaliency?.();
      case "window": return state.color ? undefined : withViewport((c) => nudgeWindow(c, a.dWidth, a.dCenter));
      case "pan": return withViewport((c) => panBy(c, a.dx, a.dy));
      case "rotate": return withViewport((c) => rotate90(c, a.direction));
      case "flip":
        withViewport((c) => flip(c, a.axis));
        return sync(); // a flip fires no camera event
      case "cine": return state.frames > 1 ? toggleCine() : undefined;
    }
  };

  if (!scans.length) {
    return (
      <div className="viewer viewer-empty" data-testid="viewer">
        <p className="muted">{tv("noScans")}</p>
      </div>
    );
  }

  return (
    <div className="viewer" data-testid="viewer">
      <Toolbar
        mouseTools={MOUSE_TOOLS}
        measureTools={MEASURE_TOOLS}
        primary={primary}
        onPrimary={choosePrimary}
        presets={presets}
        onPreset={onPreset}
        onInvert={() => withViewport(toggleInvert)}
        onReset={() => withViewport(resetView)}
        onZoom={(f) => withViewport((c) => zoomBy(c, f))}
        onFrame={(i) => withViewport((c) => goToFrame(c, i))}
        onRotate={(d) => withViewport((c) => rotate90(c, d))}
        onFlip={(axis) => {
          withViewport((c) => flip(c, axis));
          sync(); // a flip fires no camera event
        }}
        cine={{ playing, fps: cine.fps, onToggle: toggleCine, onRate: (fps) => setCine((c) => ({ ...c, fps })) }}
        state={state}
        disabled={disabled}
      />
      <div className="viewer-main">
        <SeriesBrowser scans={scans} selectedId={selectedId} onSelect={onSelect} scores={scores} />
        <div
          className="viewport-frame"
          tabIndex={0}
          role="application"
          aria-roledescription={tv("roleDescription")}
          aria-label={scan ? tv("viewportLabel", { modality: scan.modality }) : tv("roleDescription")}
          onKeyDown={(e) => (e.key === "?" ? setHelp((h) => !h) : e.key === "Escape" && help ? setHelp(false) : onKey(e))}
          onContextMenu={(e) => e.preventDefault()}
        >
          {/* fixed aspect box: no layout jump when the image arrives */}
          <div
            ref={attachElement}
            className="viewport"
            data-testid="viewport"
            data-status={state.status}
            data-ww={state.windowWidth ?? ""}
            data-wc={state.windowCenter ?? ""}
            data-frame={state.frame}
            data-frames={state.frames}
            data-invert={state.invert ? "1" : "0"}
            data-rotation={state.rotation}
            data-flip-h={state.flipHorizontal ? "1" : "0"}
            data-flip-v={state.flipVertical ? "1" : "0"}
            data-cine={playing ? "1" : "0"}
            data-renderer={state.renderer ?? ""}
          />
          {/* the preview keeps the picture on screen (above Cornerstone's canvas, which starts out
              black) until the viewer has drawn the scan and bound its tools */}
          {preview && scan && (state.status === "idle" || state.status === "loading") && (
            // eslint-disable-next-line @next/next/no-img-element -- an authenticated, uncached API image, not a static asset
            <img className="viewer-preview" src={previewUrl(scan.id)} alt="" aria-hidden="true" {...{ elementtiming: "scan-preview" }} />
          )}
          {saliency && saliencyVisible && state.status === "ready" && (
            <SaliencyOverlay element={element} viewport={viewport as never} saliency={saliency} opacity={saliencyOpacity} />
          )}
          {scan && state.status === "ready" && <ViewportInfo scan={scan} state={state} />}
          {scan && state.status === "ready" && <OrientationOverlay viewport={viewport} belowBanner={!!scan.identityFlag} />}
          {scan?.identityFlag && <IdentityFlagOverlay flag={scan.identityFlag} />}
          {state.status === "loading" && <div className="viewer-status corner" role="status">{tv("loading")}</div>}
          {state.status === "error" && (
            <div className="viewer-status error" role="alert" data-testid="viewer-error">
              {state.error === LOAD_ERROR.server ? tv("errorServer") : state.error === LOAD_ERROR.cannotShow ? tv("errorCannotShow") : state.error === LOAD_ERROR.start ? tv("errorStart") : state.error}
            </div>
          )}
          {help && (
            <div className="viewer-help" role="dialog" aria-label={tv("shortcutsLabel")}>
              <table>
                <tbody>
                  {SHORTCUTS.map((s) => (
                    <tr key={s.keys}><td className="mono">{s.keys}</td><td>{tv.has(`shortcuts.${s.keys}` as never) ? tv(`shortcuts.${s.keys}` as never) : s.label}</td></tr>
                  ))}
                  <tr><td className="mono">{tv("mouseKeys")}</td><td>{tv("mouseKeysWhat")}</td></tr>
                  <tr><td className="mono">Esc</td><td>{tv("escWhat")}</td></tr>
                </tbody>
              </table>
            </div>
          )}
        </div>
      </div>
      {scan && <MeasurementPanel items={measurements.items} message={measurements.message} frames={state.frames} onShow={showMeasurement} onDelete={(m) => void measurements.remove(m)} />}
      {scan && <DicomTagPanel scan={scan} />}
    </div>
  );
}
