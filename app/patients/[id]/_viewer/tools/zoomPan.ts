import { PanTool, ZoomTool } from "@cornerstonejs/tools";
import type { MouseTool, ToolContext } from "./types";

export const panTool: MouseTool = { id: "pan", label: "Pan", shortcut: "P", toolName: PanTool.toolName };
export const zoomTool: MouseTool = { id: "zoom", label: "Zoom", shortcut: "Z", toolName: ZoomTool.toolName };

export function zoomBy(ctx: Pick<ToolContext, "viewport">, factor: number): void {
  const vp = ctx.viewport;
  vp.setZoom(Math.min(20, Math.max(0.1, vp.getZoom() * factor)));
  vp.render();
}
