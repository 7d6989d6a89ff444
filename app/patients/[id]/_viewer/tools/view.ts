// Rotate 90° and flip (issue 16), through the viewport's view presentation (kept when the frame
// changes), and the keyboard's window/level and pan steps.
import type { Types } from "@cornerstonejs/core";
import { readWindow, setWindow } from "./windowLevel";
import type { ToolContext } from "./types";

export type ViewTransform = { rotation: number; flipHorizontal: boolean; flipVertical: boolean };

export function readTransform(vp: Types.IStackViewport): ViewTransform {
  const p = vp.getViewPresentation({ rotation: true });
  const c = vp.getCamera();
  return { rotation: (((Math.round(p.rotation ?? 0) % 360) + 360) % 360), flipHorizontal: !!c.flipHorizontal, flipVertical: !!c.flipVertical };
}

export function rotate90(ctx: Pick<ToolContext, "viewport">, direction: 1 | -1 = 1): void {
  const vp = ctx.viewport;
  const r = readTransform(vp).rotation;
  vp.setViewPresentation({ rotation: (r + 90 * direction + 360) % 360 });
  vp.render();
}

export function flip(ctx: Pick<ToolContext, "viewport">, axis: "horizontal" | "vertical"): void {
  const vp = ctx.viewport;
  const t = readTransform(vp);
  // setCamera: the stack viewport routes it to its CPU or GPU renderer (setViewPresentation's flip is the GPU one only)
  vp.setCamera(axis === "horizontal" ? { flipHorizontal: !t.flipHorizontal } : { flipVertical: !t.flipVertical });
  vp.render();
}

/** Window/level by keyboard: width and centre change by a step proportional to the current width. */
export function nudgeWindow(ctx: Pick<ToolContext, "viewport">, dWidth: number, dCenter: number): void {
  const w = readWindow(ctx);
  if (!w) return;
  const step = Math.max(1, Math.round(w.width / 20));
  setWindow(ctx, Math.max(1, w.width + dWidth * step), w.center + dCenter * step);
}

/** Pan by keyboard: the image moves a twentieth of the viewport per press, the way the arrow points on screen. */
export function panBy(ctx: Pick<ToolContext, "viewport">, dx: number, dy: number): void {
  const vp = ctx.viewport;
  const { clientWidth: w, clientHeight: h } = vp.element;
  const step = Math.max(8, Math.round(Math.min(w, h) / 20));
  const a = vp.canvasToWorld([0, 0]);
  const b = vp.canvasToWorld([dx * step, dy * step]);
  const d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const { focalPoint: f, position: p } = vp.getCamera();
  if (!f || !p) return;
  // the camera moves against the image
  vp.setCamera({ focalPoint: [f[0] - d[0], f[1] - d[1], f[2] - d[2]] as Types.Point3, position: [p[0] - d[0], p[1] - d[1], p[2] - d[2]] as Types.Point3 });
  vp.render();
}
