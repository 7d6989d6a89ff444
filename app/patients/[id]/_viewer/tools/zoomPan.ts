import { PanTool, ZoomTool } from "@cornerstonejs/tools";
import type { Types } from "@cornerstonejs/core";
import type { MouseTool, ToolContext } from "./types";

export const panTool: MouseTool = { id: "pan", label: "Pan", shortcut: "P", toolName: PanTool.toolName };
export const zoomTool: MouseTool = { id: "zoom", label: "Zoom", shortcut: "Z", toolName: ZoomTool.toolName };

/**
 * Zoom as the clinician reads it: 100% = the image fitted to the viewport. Cornerstone's WebGL
 * viewport reports that as 1; its CPU viewport reports screen pixels per image pixel instead, so
 * the fitted zoom is recorded whenever the camera is reset and every zoom is read against it.
 */
const fitted = new WeakMap<Types.IStackViewport, number>();

export function recordFittedZoom(vp: Types.IStackViewport): void {
  const z = vp.getZoom();
  if (Number.isFinite(z) && z > 0) fitted.set(vp, z);
}

export function relativeZoom(vp: Types.IStackViewport): number {
  return vp.getZoom() / (fitted.get(vp) ?? 1);
}

export function zoomBy(ctx: Pick<ToolContext, "viewport">, factor: number): void {
  const vp = ctx.viewport;
  const fit = fitted.get(vp) ?? 1;
  vp.setZoom(Math.min(20 * fit, Math.max(0.1 * fit, vp.getZoom() * factor)));
  vp.render();
}
