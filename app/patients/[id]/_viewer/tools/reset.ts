import { recordFittedZoom } from "./zoomPan";
import type { ToolContext } from "./types";

/** Back to the file's own window, no zoom/pan, not inverted. */
export function resetView(ctx: Pick<ToolContext, "viewport">): void {
  const vp = ctx.viewport;
  vp.resetProperties();
  vp.resetCamera();
  recordFittedZoom(vp);
  vp.render();
}
