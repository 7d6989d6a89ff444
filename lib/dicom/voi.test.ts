import { describe, expect, it } from "vitest";
import { defaultVoi, histogramVoi, isSaneWindow, CT_DEFAULT_VOI } from "./voi";
import { applyWindow } from "./window";
import { decodeFrame } from "./decode";
import { parseTestFile } from "@/test/support/dicom-files";

/** A 100×100 frame: a disc of values 100..300 inside a square filled with `pad` (a round field of view). */
function discFrame(pad: number): Float32Array {
  const out = new Float32Array(100 * 100);
  for (let y = 0; y < 100; y++)
    for (let x = 0; x < 100; x++) {
      const inside = (x - 50) ** 2 + (y - 50) ** 2 < 45 ** 2;
      out[y * 100 + x] = inside ? 100 + ((x * 7 + y * 13) % 201) : pad;
    }
  return out;
}

describe("defaultVoi", () => {
  it("uses the header's window when it is sane", () => {
    expect(defaultVoi({ modality: "MR", header: { center: 600, width: 1600 }, pixels: [0, 1] })).toEqual({ center: 600, width: 1600, source: "header" });
  });

  it("ignores a header width of 0 or 1 (a big-endian MR with WindowWidth 0 opened black)", () => {
    const pixels = discFrame(0);
    for (const width of [0, 1, -5, Number.NaN]) {
      const v = defaultVoi({ modality: "MR", header: { center: 600, width }, pixels });
      expect(v.source).toBe("histogram");
      expect(v.width).toBeGreaterThan(1);
    }
    expect(isSaneWindow(600, 1.5)).toBe(true);
    expect(isSaneWindow(null, 400)).toBe(false);
  });

  it("a CT without a usable window opens in soft tissue 400/40", () => {
    expect(defaultVoi({ modality: "CT", header: null, pixels: [-1000, 0, 1000] })).toEqual({ ...CT_DEFAULT_VOI, source: "modality" });
    expect(defaultVoi({ modality: "ct ", header: { center: 40, width: 0 }, pixels: [] }).source).toBe("modality");
  });

  it("other modalities: the 0.5–99.5th percentiles inside the field of view, padding left out", () => {
    for (const pad of [-2000, 0, 5000]) {
      const v = histogramVoi(discFrame(pad));
      // the disc spans 100..300: the window covers it, not the padding
      expect(v.center - v.width / 2).toBeGreaterThanOrEqual(99);
      expect(v.center + v.width / 2).toBeLessThanOrEqual(301);
      expect(v.width).toBeGreaterThan(180);
    }
  });

  it("leaves out the Pixel Padding Value even when it is rare", () => {
    const px = discFrame(150);
    px[0] = -32768;
    const v = histogramVoi(px, -32768);
    expect(v.center - v.width / 2).toBeGreaterThanOrEqual(99);
  });

  it("an outlier does not wash the picture out (a single hot pixel)", () => {
    const px = discFrame(0);
    px[5000] = 60000;
    const v = histogramVoi(px);
    expect(v.center + v.width / 2).toBeLessThan(400);
  });

  it("a constant or binary frame still gets a usable window (width > 1, both levels distinct)", () => {
    expect(histogramVoi(new Float32Array(16).fill(7)).width).toBeGreaterThan(1);
    const seg = Float32Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const v = histogramVoi(seg);
    const [lo, hi] = applyWindow([0, 1], v.center, v.width);
    expect(lo).toBe(0);
    expect(hi).toBe(255);
  });

  it("real files: the big-endian MR with its window, CT_small in soft tissue, a deflated OT in its range", async () => {
    const be = parseTestFile("MR_small_bigendian.dcm");
    const f = await decodeFrame(be);
    expect(defaultVoi({ modality: "MR", header: { center: 600, width: 0 }, pixels: f.data }).source).toBe("histogram");
    const w = defaultVoi({ modality: "MR", header: { center: 600, width: 0 }, pixels: f.data });
    const shown = applyWindow(f.data, w.center, w.width);
    const lit = shown.filter((v) => v > 20).length / shown.length;
    expect(lit).toBeGreaterThan(0.3);
    const dfl = parseTestFile("image_dfl.dcm");
    const d = await decodeFrame(dfl);
    const dv = defaultVoi({ modality: dfl.metadata.modality, header: null, pixels: d.data });
    expect(dv.width).toBeGreaterThan(50);
  });
});
