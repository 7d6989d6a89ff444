import type { ViewerScan, ViewportState } from "../types";

/** Corner text over the image: what is shown and how (W/L, zoom, frame), as radiologists expect. */
export function ViewportInfo({ scan, state }: { scan: ViewerScan; state: ViewportState }) {
  return (
    <>
      <div className="viewer-corner tl">
        <div>{scan.modality}{scan.bodyPart ? ` · ${scan.bodyPart}` : ""}</div>
        <div>{scan.columns}×{scan.rows}{scan.acquisitionDate ? ` · ${scan.acquisitionDate}` : ""}</div>
      </div>
      <div className="viewer-corner bl" data-testid="viewer-wl" aria-live="polite">
        {state.windowWidth !== null && !state.color ? `W ${state.windowWidth} L ${state.windowCenter}` : state.color ? "Colour image" : ""}
        {state.invert ? " · inverted" : ""}
      </div>
      <div className="viewer-corner br" data-testid="viewer-frame">
        <div>Zoom {Math.round(state.zoom * 100)}%</div>
        {state.frames > 1 && <div>Frame {state.frame + 1} / {state.frames}</div>}
      </div>
    </>
  );
}
