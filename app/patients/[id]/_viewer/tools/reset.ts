import { recordFittedZoom } from "./zoomPan";
import { defaultViewOf } from "./defaultView";
import type { ToolContext } from "./types";

/** Back to the scan's default view (defaultView.ts: its default window and polarity), no zoom/pan, rotation or flip. */
export function resetView(ctx: Pick<ToolContext, "viewport">): void {
  const vp = ctx.viewport;
  vp.resetProperties();
  const d = defaultViewOf(vp);
  if (d) vp.setProperties({ voiRange: d.voiRange, invert: d.invert });
  vp.setViewPresentation({ rotation: 0 });
  vp.setCamera({ flipHorizontal: false, flipVertical: false });
  vp.resetCamera();
  recordFittedZoom(vp);
  vp.render();
}
