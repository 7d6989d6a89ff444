/** The worker hands the model the header geometry the upload stored (physical-space preprocessing). */
import { describe, expect, it } from "vitest";
import { geometryOf } from "./assess-job";

describe("geometryOf (Scan.metadata → model image geometry)", () => {
  it("reads Pixel Spacing and Image Orientation (Patient) from the stored DICOM metadata", () => {
    expect(geometryOf({ dicom: { pixelSpacing: [0.7, 0.7], imageOrientationPatient: [1, 0, 0, 0, 1, 0] } })).toEqual({ pixelSpacingMm: [0.7, 0.7], orientation: [1, 0, 0, 0, 1, 0] });
  });
  it("scans stored before orientation was read, images without a header and malformed values give nulls", () => {
    expect(geometryOf({ dicom: { pixelSpacing: [0.7, 0.7] } })).toEqual({ pixelSpacingMm: [0.7, 0.7], orientation: null });
    expect(geometryOf({ filename: "x.png" })).toEqual({ pixelSpacingMm: null, orientation: null });
    expect(geometryOf(null)).toEqual({ pixelSpacingMm: null, orientation: null });
    expect(geometryOf({ dicom: { pixelSpacing: ["0.7", 0.7], imageOrientationPatient: [1, 0, 0] } })).toEqual({ pixelSpacingMm: null, orientation: null });
  });
});
