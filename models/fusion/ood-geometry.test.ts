/**
 * The geometry cases of `npm run ood:geometry`: a warped synthetic slice whose header describes the
 * warp must reach a physical-preprocessing model as the original slice (else the "header describes
 * the new geometry" rows of the table would measure the warp code, not the model); with the header
 * left unchanged it must not.
 */
import { describe, expect, it } from "vitest";
import { preprocessImage } from "@/lib/fusion/encoders";
import { generatePatient, renderScan, SCAN_FOV_MM } from "./cohort";
import { GEOMETRY_CASES, warpSlice } from "./ood-geometry";
import { mulberry32 } from "./rng";

const N = 192, S = 64;
const p = generatePatient(20261128, 12501);
const hu = renderScan(p, { size: N }).hu;
const std = { pixelSpacingMm: [SCAN_FOV_MM / N, SCAN_FOV_MM / N], orientation: [1, 0, 0, 0, 1, 0] };
const original = preprocessImage({ rows: N, columns: N, data: hu, modality: "CT", geometry: std }, S, "physical").data;
const mad = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe("geometry cases for the out-of-distribution measurement", () => {
  it.each(Object.keys(GEOMETRY_CASES))("%s: undone by physical preprocessing when the header describes it, not otherwise", (name) => {
    const rng = mulberry32(5);
    const w = GEOMETRY_CASES[name](rng);
    const warped = warpSlice(hu, N, w);
    const s = (SCAN_FOV_MM / N) * w.scale;
    const described = preprocessImage({ rows: N, columns: N, data: warped, modality: "CT", geometry: { pixelSpacingMm: [s, s], orientation: [w.A[0], w.A[2], 0, w.A[1], w.A[3], 0] } }, S, "physical").data;
    const unchanged = preprocessImage({ rows: N, columns: N, data: warped, modality: "CT", geometry: std }, S, "physical").data;
    const area = preprocessImage({ rows: N, columns: N, data: warped, modality: "CT" }, S, "area").data;
    // where part of the body leaves the field, the slice itself is different: only closer than before
    if (/cut off|outside/.test(name)) expect(mad(described, original)).toBeLessThan(mad(area, original));
    else expect(mad(described, original)).toBeLessThan(0.03);
    expect(mad(area, original)).toBeGreaterThan(0.03);
    // body centring undoes a shift even without a header (unless the header's spacing is wrong too)
    if (name.startsWith("shifted 28–40 mm (")) expect(mad(unchanged, original)).toBeLessThan(mad(area, original));
    else expect(mad(unchanged, original)).toBeGreaterThan(0.03);
  });
});
