import { StackScrollTool } from "@cornerstonejs/tools";
import type { ToolContext } from "./types";

/** Mouse wheel (and the frame slider / arrow keys) move through the frames of a multi-frame scan. */
export const stackScrollToolName = StackScrollTool.toolName;

export async function goToFrame(ctx: Pick<ToolContext, "viewport">, index: number): Promise<void> {
  const vp = ctx.viewport;
  const n = vp.getImageIds().length;
  if (n <= 1) return;
  const target = Math.min(n - 1, Math.max(0, index));
  if (target !== vp.getCurrentImageIdIndex()) await vp.setImageIdIndex(target);
}

export function scrollFrames(ctx: Pick<ToolContext, "viewport">, delta: number): Promise<void> {
  return goToFrame(ctx, ctx.viewport.getCurrentImageIdIndex() + delta);
}
