// Cine playback of a multi-frame scan (issue 16): @cornerstonejs/tools utilities.cine.
import { utilities } from "@cornerstonejs/tools";
import type { ToolContext } from "./types";

export const CINE_RATES = [2, 5, 10, 15, 24, 30] as const;
export const DEFAULT_CINE_RATE = 10;

export function playCine(ctx: Pick<ToolContext, "viewport">, framesPerSecond: number): void {
  utilities.cine.playClip(ctx.viewport.element, { framesPerSecond, loop: true });
}

export function stopCine(ctx: Pick<ToolContext, "viewport">): void {
  utilities.cine.stopClip(ctx.viewport.element);
}
