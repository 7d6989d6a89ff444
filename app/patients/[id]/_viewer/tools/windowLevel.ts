import { utilities } from "@cornerstonejs/core";
import { WindowLevelTool } from "@cornerstonejs/tools";
import type { MouseTool, ToolContext } from "./types";

/** Drag to change window (horizontal) and level (vertical). */
export const windowLevelTool: MouseTool = { id: "windowLevel", label: "Window/level", shortcut: "W", toolName: WindowLevelTool.toolName };

export function readWindow(ctx: Pick<ToolContext, "viewport">): { width: number; center: number } | null {
  const voi = ctx.viewport.getProperties().voiRange;
  if (!voi) return null;
  const { windowWidth, windowCenter } = utilities.windowLevel.toWindowLevel(voi.lower, voi.upper);
  return { width: windowWidth, center: windowCenter };
}

export function setWindow(ctx: Pick<ToolContext, "viewport">, width: number, center: number): void {
  const voiRange = utilities.windowLevel.toLowHighRange(width, center);
  ctx.viewport.setProperties({ voiRange });
  ctx.viewport.render();
}
