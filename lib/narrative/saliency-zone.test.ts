import { describe, expect, it } from "vitest";
import { saliencyZone } from "./saliency-zone";

const map = (w: number, h: number, fill: (x: number, y: number) => number, frame = 0) => {
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = fill(x, y);
  return { width: w, height: h, data: Buffer.from(px).toString("base64"), frame };
};

describe("saliencyZone", () => {
  it("names the ninth of the image (as displayed) that holds the most weight", () => {
    expect(saliencyZone(map(9, 9, (x, y) => (x >= 6 && y < 3 ? 200 : 0)))).toEqual({ kind: "focused", row: "upper", column: "right", share: 1, frame: 0 });
    expect(saliencyZone(map(64, 64, (x, y) => (y >= 43 && x >= 22 && x < 42 ? 255 : 10), 4))).toMatchObject({ kind: "focused", row: "lower", column: "middle", frame: 4 });
    expect(saliencyZone(map(3, 3, (x, y) => (x === 1 && y === 1 ? 9 : 1)))).toMatchObject({ kind: "focused", row: "middle", column: "middle" });
  });
  it("a map spread evenly is diffuse; an all-zero map is empty", () => {
    const flat = saliencyZone(map(6, 6, () => 100));
    expect(flat).toMatchObject({ kind: "diffuse", row: "upper", column: "left" });
    expect((flat as { share: number }).share).toBeCloseTo(1 / 9);
    expect(saliencyZone(map(4, 4, () => 0))).toEqual({ kind: "empty" });
  });
  it("refuses data that is not width×height bytes rather than guessing", () => {
    expect(() => saliencyZone({ width: 3, height: 3, data: Buffer.from([1, 2]).toString("base64"), frame: 0 })).toThrow(/not 3×3/);
  });
});
