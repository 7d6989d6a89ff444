import type { ToolContext } from "./types";

export function toggleInvert(ctx: Pick<ToolContext, "viewport">): boolean {
  const invert = !ctx.viewport.getProperties().invert;
  ctx.viewport.setProperties({ invert });
  ctx.viewport.render();
  return invert;
}
