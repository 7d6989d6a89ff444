/**
 * Physical-space preprocessing: the same patient acquired with another field of view, a mirrored
 * or rotated pixel layout (stated in Image Orientation (Patient)) or lying off-centre must reach
 * the model as the same grid. The phantom is defined in patient millimetres and "acquired" by
 * sampling it through each geometry, so the header is right by construction.
 */
import { describe, expect, it } from "vitest";
import { preprocessImage, type ImageInput } from "./encoders";
import { inPlaneOrientation } from "./physical";

/** HU at patient (x → left, y → posterior) in mm, origin at the body centre; deliberately asymmetric. */
function phantom(x: number, y: number): number {
  const inE = (cx: number, cy: number, a: number, b: number) => ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 <= 1;
  if (inE(50, -30, 12, 12)) return 800; // a bright marker, left anterior
  if (inE(-45, -5, 35, 55)) return -860; // one lung, on the right
  if (inE(0, 60, 14, 14)) return 600; // spine, posterior
  if (inE(0, 0, 130, 100)) return 40;
  return -1000;
}

/** m: frame (column mm, row mm) → patient (x, y); shift: where the body centre lies in the frame (mm from its centre). */
function acquire(o: { fovMm: number; size: number; m?: [number, number, number, number]; shiftMm?: [number, number]; header?: boolean }): ImageInput {
  const { fovMm, size } = o;
  const m = o.m ?? [1, 0, 0, 1];
  const [tx, ty] = o.shiftMm ?? [0, 0];
  const d = fovMm / size;
  const data = new Float32Array(size * size);
  const sub = 3;
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      let acc = 0;
      for (let b = 0; b < sub; b++)
        for (let a = 0; a < sub; a++) {
          const u = (i + (a + 0.5) / sub - size / 2) * d - tx;
          const v = (j + (b + 0.5) / sub - size / 2) * d - ty;
          acc += phantom(m[0] * u + m[1] * v, m[2] * u + m[3] * v);
        }
      data[j * size + i] = acc / (sub * sub);
    }
  const geometry = o.header === false ? null : { pixelSpacingMm: [d, d] as [number, number], orientation: [m[0], m[2], 0, m[1], m[3], 0] };
  return { rows: size, columns: size, data, modality: "CT", geometry };
}

const meanAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;
const S = 64;
const reference = preprocessImage(acquire({ fovMm: 300, size: 256 }), S, "physical");
const rad = (deg: number) => (deg * Math.PI) / 180;
const rot = (deg: number): [number, number, number, number] => [Math.cos(rad(deg)), -Math.sin(rad(deg)), Math.sin(rad(deg)), Math.cos(rad(deg))];

describe("physical-space image preprocessing", () => {
  it("the reference acquisition is read without geometry flags", () => {
    expect(reference.flags).toEqual([]);
  });

  it.each([
    ["mirrored left–right", { m: [-1, 0, 0, 1] as [number, number, number, number] }],
    ["rotated 90°", { m: rot(90) }],
    ["rotated 15°", { m: rot(15) }],
    ["field of view 400 mm", { fovMm: 400, size: 512 }],
    ["field of view 250 mm", { fovMm: 250, size: 200 }],
    ["patient 35 mm off-centre", { shiftMm: [30, -18] as [number, number] }],
  ])("%s (geometry in the header) reaches the model as the same grid", (_name, o) => {
    const r = preprocessImage(acquire({ fovMm: 300, size: 256, ...o }), S, "physical");
    expect(r.flags).toEqual([]);
    expect(meanAbsDiff(r.data, reference.data)).toBeLessThan(0.02);
  });

  it("the same frames with the header ignored (area preprocessing) do not", () => {
    for (const o of [{ m: [-1, 0, 0, 1] as [number, number, number, number] }, { m: rot(90) }, { fovMm: 400, size: 512 }, { shiftMm: [30, -18] as [number, number] }]) {
      const area = preprocessImage(acquire({ fovMm: 300, size: 256, ...o }), S, "area");
      expect(meanAbsDiff(area.data, reference.data)).toBeGreaterThan(0.03);
    }
  });

  it("a mirrored frame without orientation in its header stays mirrored, flagged", () => {
    const r = preprocessImage(acquire({ fovMm: 300, size: 256, m: [-1, 0, 0, 1], header: false }), S, "physical");
    expect(r.flags).toContain("image_orientation_missing_assumed_axial");
    expect(r.flags).toContain("image_spacing_missing_assumed_model_field");
    expect(meanAbsDiff(r.data, reference.data)).toBeGreaterThan(0.03);
  });

  it("without any geometry, a frame is assumed to span the model's 300 mm field in the standard orientation", () => {
    const noHeader = preprocessImage(acquire({ fovMm: 300, size: 256, header: false }), S, "physical");
    expect(noHeader.flags).toEqual(["image_spacing_missing_assumed_model_field", "image_orientation_missing_assumed_axial"]);
    expect(meanAbsDiff(noHeader.data, reference.data)).toBeLessThan(1e-6);
  });

  it("orientation: non-axial and malformed direction cosines are recognised", () => {
    expect(inPlaneOrientation([1, 0, 0, 0, 0, -1])).toEqual({ problem: "not_axial" }); // coronal
    expect(inPlaneOrientation([1, 0, 0, 1, 0, 0])).toEqual({ problem: "invalid" }); // not orthogonal
    expect(inPlaneOrientation([1, 0, 0, 0, 1])).toEqual({ problem: "invalid" });
    expect(inPlaneOrientation(null)).toEqual({ problem: "missing" });
    expect(inPlaneOrientation([-1, 0, 0, 0, 1, 0])).toEqual({ m: [-1, 0, 0, 1] });
    const r = preprocessImage({ ...acquire({ fovMm: 300, size: 64 }), geometry: { orientation: [1, 0, 0, 0, 0, -1], pixelSpacingMm: [300 / 64, 300 / 64] } }, 32, "physical");
    expect(r.flags).toContain("image_not_axial");
  });

  it("an empty frame is centred on the frame itself, flagged", () => {
    const r = preprocessImage({ rows: 64, columns: 64, data: new Float32Array(64 * 64).fill(-1000), modality: "CT" }, 32, "physical");
    expect(r.flags).toContain("image_body_not_found_centred_on_frame");
    expect(r.data.every((v) => v === -1)).toBe(true);
  });
});
