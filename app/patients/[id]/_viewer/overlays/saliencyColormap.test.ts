import { describe, expect, it } from "vitest";
import { legendGradient, rampColor, saliencyToRgba, SALIENCY_THRESHOLD } from "./saliencyColormap";

describe("the saliency legend's ramp", () => {
  it("runs from the weakest colour drawn (the threshold) to the strongest, left to right", () => {
    const g = legendGradient();
    expect(g.startsWith("linear-gradient(to right, ")).toBe(true);
    const [r0, g0, b0] = rampColor(SALIENCY_THRESHOLD);
    expect(g).toContain(`rgb(${r0} ${g0} ${b0}) 0%`);
    expect(g).toContain("rgb(253 231 37) 100%");
  });

  it("matches what the overlay draws: below the threshold nothing, above it the ramp's colour", () => {
    const px = saliencyToRgba(new Uint8Array([Math.floor(SALIENCY_THRESHOLD * 255) - 1, 255]));
    expect([...px.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect([...px.subarray(4, 7)]).toEqual(rampColor(1));
  });
});
