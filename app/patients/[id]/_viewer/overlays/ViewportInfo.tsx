import type { ViewerScan, ViewportState } from "../types";

import { useTranslations } from "next-intl";

/** Corner text over the image: what is shown and how (W/L, zoom, frame), as radiologists expect. */
export function ViewportInfo({ scan, state }: { scan: ViewerScan; state: ViewportState }) {
  const tv = useTranslations("viewer");
  return (
    <>
      <div className="viewer-corner tl">
        <div>{scan.modality}{scan.bodyPart ? ` · ${scan.bodyPart}` : ""}</div>
        <div>{scan.columns}×{scan.rows}{scan.acquisitionDate ? ` · ${scan.acquisitionDate}` : ""}</div>
      </div>
      <div className="viewer-corner bl" data-testid="viewer-wl" aria-live="polite">
        {state.windowWidth !== null && !state.color ? `W ${state.windowWidth} L ${state.windowCenter}` : state.color ? tv("colour") : ""}
        {state.invert ? tv("inverted") : ""}
      </div>
      <div className="viewer-corner br" data-testid="viewer-frame">
        <div>{tv("zoomInfo", { percent: Math.round(state.zoom * 100) })}</div>
        {state.frames > 1 && <div>{tv("frameInfo", { frame: state.frame + 1, frames: state.frames })}</div>}
      </div>
    </>
  );
}
