import { describe, expect, it } from "vitest";
import { decodeFrame } from "./decode";
import { applyWindow, defaultWindow, minMaxWindow, WINDOW_PRESETS } from "./window";
import { parseTestFile } from "@/test/support/dicom-files";

describe("applyWindow (PS3.3 C.11.2.1.2.1 linear)", () => {
  it("maps the soft-tissue window edges exactly as the standard's formula", () => {
    const { center, width } = WINDOW_PRESETS.softTissue; // 40 / 400
    // x ≤ c − 0.5 − (w−1)/2 = −160 → 0 ; x > c − 0.5 + (w−1)/2 = 239 → 255
    const out = applyWindow([-1000, -160, -159, 39.5, 239, 239.5, 3000], center, width);
    expect(Array.from(out)).toEqual([0, 0, Math.round(((-159 - 39.5) / 399 + 0.5) * 255), 128, 255, 255, 255]);
  });

  it("is monotonic and inverts for MONOCHROME1", () => {
    const xs = Array.from({ length: 100 }, (_, i) => -1000 + i * 25);
    const y = applyWindow(xs, -600, 1500);
    for (let i = 1; i < y.length; i++) expect(y[i]).toBeGreaterThanOrEqual(y[i - 1]);
    const inv = applyWindow(xs, -600, 1500, { invert: true });
    for (let i = 0; i < y.length; i++) expect(inv[i]).toBe(255 - y[i]);
  });

  it("width below 1 behaves as a threshold at the centre", () => {
    expect(Array.from(applyWindow([-1, 0, 1], 0.5, 0))).toEqual([0, 0, 255]);
  });

  it("has the four presets", () => {
    expect(WINDOW_PRESETS).toMatchObject({
      softTissue: { center: 40, width: 400 },
      lung: { center: -600, width: 1500 },
      bone: { center: 480, width: 2500 },
      brain: { center: 40, width: 80 },
    });
  });
});

describe("defaultWindow", () => {
  it("uses the file's Window Center/Width when present (MR_small 600/1600)", async () => {
    const parsed = parseTestFile("MR_small.dcm");
    const frame = await decodeFrame(parsed);
    expect(defaultWindow(parsed, frame)).toEqual({ center: 600, width: 1600, source: "header" });
  });

  it("a CT without a window opens in soft tissue (CT_small has none), not its washed-out min–max", async () => {
    const parsed = parseTestFile("CT_small.dcm");
    const frame = await decodeFrame(parsed);
    expect(defaultWindow(parsed, frame)).toEqual({ center: 40, width: 400, source: "modality" });
  });

  it("minMaxWindow spans [min, max] exactly", () => {
    expect(Array.from(applyWindow([-896, 1167], minMaxWindow({ min: -896, max: 1167 }).center, minMaxWindow({ min: -896, max: 1167 }).width))).toEqual([0, 255]);
    expect(minMaxWindow({ min: 5, max: 5 }).width).toBe(1);
  });
});
