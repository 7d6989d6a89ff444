/**
 * Image preprocessing in physical space ("physical" image preprocessing, model 1.2.0 on): the
 * frame is resampled onto the model's millimetre grid — `size × size` pixels covering `fovMm`
 * (300 mm, the synthetic training images' field of view), axes along the patient's left (+x) and
 * posterior (+y) directions (DICOM LPS; the usual axial display), centred on the body — before the
 * image branch sees it. What each step uses:
 *
 *   Pixel Spacing (0028,0030)              mm per row / column → the same anatomy is the same
 *                                          number of model pixels whatever the field of view
 *   Image Orientation (Patient) (0020,0037) row and column direction cosines → a frame stored
 *                                          mirrored or rotated in-plane is turned back to the
 *                                          model's orientation (a non-axial frame is flagged)
 *   body centroid (HU > bodyThresholdHu)   a patient off-centre in the field of view is centred
 *                                          (the header cannot tell: Image Position locates the
 *                                          frame, not the patient within it)
 *
 * Resampling: each model pixel averages k × k bilinear samples of the windowed input (k ≈ model
 * pixel / input pixel, at most 8), an area filter for any rotation and scale; outside the frame is
 * air. For the synthetic training renders (standard orientation, 300 mm field, centred) this is the
 * whole-frame area resize of the "area" preprocessing up to the sub-pixel body-centring shift.
 *
 * Missing geometry is not an error (PNG, secondary captures, stripped headers): the frame is
 * assumed to span the model's field of view in the standard orientation — the "area" behaviour —
 * and flagged, so a reader knows the geometry was not checked.
 */

/** Geometry read from the DICOM header (both optional). */
export type ImageGeometry = {
  /** Pixel Spacing (0028,0030): [row spacing = distance between rows, column spacing = between columns], mm */
  pixelSpacingMm?: readonly [number, number] | readonly number[] | null;
  /** Image Orientation (Patient) (0020,0037): row direction cosines (x, y, z), then column direction cosines */
  orientation?: readonly number[] | null;
};

export const PHYSICAL_PREPROCESSING = {
  resize: "physical",
  /** the model grid's field of view across each axis (mm); pixel size = fovMm / size */
  fovMm: 300,
  /** the grid is centred on the centroid of pixels above this (HU): the body */
  gridCentre: "body-centroid",
  bodyThresholdHu: -500,
  /** at most k × k samples per model pixel */
  maxSubsamples: 8,
  /** |cos| of the angle between the frame's normal and the patient's z axis below this → not axial */
  minAxialCosine: 0.9,
} as const;

export type PhysicalTransform = {
  /** [row, column] spacing used (mm) */
  spacingMm: [number, number];
  /** 2 × 2 matrix, row-major: (column mm, row mm) in the frame → (x mm, y mm) in the patient's axial plane */
  frameToPatient: [number, number, number, number];
  /** body centroid in the frame, in pixels (column, row; pixel centres at +0.5) */
  centrePx: [number, number];
  subsamples: number;
};

const finite = (xs: readonly number[] | null | undefined, n: number): xs is readonly number[] => !!xs && xs.length === n && xs.every((v) => Number.isFinite(v));

/** Checks and reduces Image Orientation (Patient) to the in-plane 2 × 2 map, or says why it cannot. */
export function inPlaneOrientation(o: readonly number[] | null | undefined): { m: [number, number, number, number] } | { problem: "missing" | "invalid" | "not_axial" } {
  if (o == null) return { problem: "missing" };
  if (!finite(o, 6)) return { problem: "invalid" };
  const [rx, ry, rz, cx, cy, cz] = o;
  const nr = Math.hypot(rx, ry, rz), nc = Math.hypot(cx, cy, cz);
  if (Math.abs(nr - 1) > 0.05 || Math.abs(nc - 1) > 0.05 || Math.abs(rx * cx + ry * cy + rz * cz) > 0.05) return { problem: "invalid" };
  const nz = rx * cy - ry * cx; // z component of row × column: the frame's normal
  if (Math.abs(nz) / (nr * nc) < PHYSICAL_PREPROCESSING.minAxialCosine) return { problem: "not_axial" };
  // project the direction cosines onto the axial plane and renormalise
  const a = Math.hypot(rx, ry), b = Math.hypot(cx, cy);
  return { m: [rx / a, cx / b, ry / a, cy / b] };
}

function bodyCentroid(data: ArrayLike<number>, rows: number, columns: number, threshold: number): [number, number] | null {
  let n = 0, sx = 0, sy = 0;
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++) {
      const v = Number(data[y * columns + x]);
      if (v > threshold) {
        n++;
        sx += x + 0.5;
        sy += y + 0.5;
      }
    }
  // a "body" of under 1% of the frame is not one (an empty or nearly empty frame)
  return n >= 0.01 * rows * columns ? [sx / n, sy / n] : null;
}

/**
 * Resample windowed modality values (already clipped to [lo, hi]) onto the model grid. Returns
 * size × size values in the same units, the flags and the transform used.
 */
export function resampleToModelGrid(
  img: { rows: number; columns: number; data: Float32Array },
  geometry: ImageGeometry | null | undefined,
  size: number,
  air: number,
): { data: Float32Array; flags: string[]; transform: PhysicalTransform } {
  const { rows, columns, data } = img;
  const P = PHYSICAL_PREPROCESSING;
  const flags: string[] = [];
  let spacing: [number, number];
  const ps = geometry?.pixelSpacingMm;
  if (finite(ps ?? null, 2) && ps![0] > 0 && ps![1] > 0) spacing = [ps![0], ps![1]];
  else {
    const s = P.fovMm / Math.max(rows, columns);
    spacing = [s, s];
    flags.push(ps == null ? "image_spacing_missing_assumed_model_field" : "image_spacing_invalid_assumed_model_field");
  }
  const o = inPlaneOrientation(geometry?.orientation);
  let m: [number, number, number, number] = [1, 0, 0, 1];
  if ("m" in o) m = o.m;
  else flags.push(o.problem === "missing" ? "image_orientation_missing_assumed_axial" : o.problem === "invalid" ? "image_orientation_invalid_assumed_axial" : "image_not_axial");
  // inverse of the in-plane map: patient (x, y) mm → frame (column, row) mm
  const det = m[0] * m[3] - m[1] * m[2];
  const inv = [m[3] / det, -m[1] / det, -m[2] / det, m[0] / det];
  let centre = bodyCentroid(data, rows, columns, P.bodyThresholdHu);
  if (!centre) {
    centre = [columns / 2, rows / 2];
    flags.push("image_body_not_found_centred_on_frame");
  }
  const g = P.fovMm / size; // mm per model pixel
  const k = Math.max(1, Math.min(P.maxSubsamples, Math.ceil(g / Math.min(spacing[0], spacing[1]) - 1e-9)));
  const out = new Float32Array(size * size);
  const [cxp, cyp] = centre;
  const half = size / 2;
  const inv0 = inv[0] / spacing[1], inv1 = inv[1] / spacing[1], inv2 = inv[2] / spacing[0], inv3 = inv[3] / spacing[0];
  // bilinear sample at continuous pixel coordinates (pixel (i, j) covers [i, i + 1) × [j, j + 1)); air outside
  const pix = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= columns || yy >= rows ? air : data[yy * columns + xx]);
  for (let oy = 0; oy < size; oy++)
    for (let ox = 0; ox < size; ox++) {
      let acc = 0;
      for (let sy = 0; sy < k; sy++) {
        const py = (oy + (sy + 0.5) / k - half) * g;
        for (let sx = 0; sx < k; sx++) {
          const px = (ox + (sx + 0.5) / k - half) * g;
          const x = cxp + inv0 * px + inv1 * py - 0.5;
          const y = cyp + inv2 * px + inv3 * py - 0.5;
          const x0 = Math.floor(x), y0 = Math.floor(y);
          const ax = x - x0, ay = y - y0;
          let a: number, b: number, c: number, d: number;
          if (x0 >= 0 && y0 >= 0 && x0 + 1 < columns && y0 + 1 < rows) {
            const i = y0 * columns + x0;
            a = data[i];
            b = data[i + 1];
            c = data[i + columns];
            d = data[i + columns + 1];
          } else {
            a = pix(x0, y0);
            b = pix(x0 + 1, y0);
            c = pix(x0, y0 + 1);
            d = pix(x0 + 1, y0 + 1);
          }
          acc += (a * (1 - ax) + b * ax) * (1 - ay) + (c * (1 - ax) + d * ax) * ay;
        }
      }
      out[oy * size + ox] = acc / (k * k);
    }
  return { data: out, flags, transform: { spacingMm: spacing, frameToPatient: m, centrePx: centre, subsamples: k } };
}
