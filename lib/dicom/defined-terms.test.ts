import { describe, expect, it } from "vitest";
import { MODALITY_TERMS, PHOTOMETRIC_TERMS, modalityTerm, photometricTerm } from "./defined-terms";

describe("DICOM defined terms as allow-lists", () => {
  it("modality: defined terms (current and retired) pass, normalised; anything else is null", () => {
    for (const v of ["CT", "MR", "OT", "DX", "SEG", "RTSTRUCT", "DS"]) expect(modalityTerm(v)).toBe(v);
    expect(modalityTerm(" ct ")).toBe("CT");
    for (const v of ["XR", "ZQDB", "ZEBEDEE QUASIMODO", "CT SCAN", "C T", "", null, 42]) expect(modalityTerm(v), String(v)).toBeNull();
    for (const t of MODALITY_TERMS) expect(t).toMatch(/^[A-Z0-9]{2,16}$/); // CS, at most 16
  });

  it("photometric interpretation: defined terms pass; anything else is null", () => {
    for (const v of ["MONOCHROME2", "PALETTE COLOR", "YBR_FULL_422", "RGB"]) expect(photometricTerm(v)).toBe(v);
    expect(photometricTerm("monochrome1 ")).toBe("MONOCHROME1");
    for (const v of ["MONOCHROME3", "ZEBEDEE", "RGB 1931", "", undefined]) expect(photometricTerm(v), String(v)).toBeNull();
    for (const t of PHOTOMETRIC_TERMS) expect(t.length).toBeLessThanOrEqual(16);
  });
});
