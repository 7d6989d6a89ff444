// Orientation markers and the scale bar (issue 16), computed from the image's geometry rather than
// drawn by VTK widgets: the screen's right and down directions in patient coordinates (through
// the viewport's canvas → world mapping, so rotation and flips are included) named with the
// DICOM patient axes (LPS: +x Left, +y Posterior, +z Head), and millimetres per screen pixel.
import { metaData, type Types } from "@cornerstonejs/core";

type Vec = [number, number, number];
const AXES: [string, string][] = [["L", "R"], ["P", "A"], ["H", "F"]];

/** "L", "RA", "HP"…: the patient directions a vector points to, strongest first (components ≥ 0.25). */
export function orientationLetters(v: Vec): string {
  const order = [0, 1, 2].sort((a, b) => Math.abs(v[b]) - Math.abs(v[a]));
  return order
    .filter((i) => Math.abs(v[i]) >= 0.25)
    .slice(0, 2)
    .map((i) => (v[i] > 0 ? AXES[i][0] : AXES[i][1]))
    .join("");
}

const sub = (a: ArrayLike<number>, b: ArrayLike<number>): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const norm = (v: Vec) => Math.hypot(v[0], v[1], v[2]);
const unit = (v: Vec): Vec => {
  const n = norm(v) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
};

export type Orientation = { top: string; bottom: string; left: string; right: string };

/** The letters at the four edges; null when the image has no Image Orientation (Patient) (PNG, JPEG, some secondary captures). */
export function orientationOf(vp: Types.IStackViewport): Orientation | null {
  const imageId = vp.getCurrentImageId?.();
  if (!imageId) return null;
  const plane = metaData.get("imagePlaneModule", imageId) as { rowCosines?: number[] | null; imageOrientationPatient?: number[] | null } | undefined;
  const iop = plane?.imageOrientationPatient ?? plane?.rowCosines;
  if (!iop || iop.length < 3 || iop.some((x) => !Number.isFinite(Number(x)))) return null;
  const c = vp.canvasToWorld([0, 0]);
  const right = unit(sub(vp.canvasToWorld([100, 0]), c));
  const down = unit(sub(vp.canvasToWorld([0, 100]), c));
  const neg = (v: Vec): Vec => [-v[0], -v[1], -v[2]];
  return { right: orientationLetters(right), left: orientationLetters(neg(right)), bottom: orientationLetters(down), top: orientationLetters(neg(down)) };
}

/**
 * A scale bar of a round length (1, 2 or 5 × 10ⁿ mm) about a fifth of the viewport wide; null
 * without Pixel Spacing (the tools then measure in pixels and no millimetre scale is honest).
 */
export function scaleBarOf(vp: Types.IStackViewport, widthPx: number): { mm: number; px: number } | null {
  const imageId = vp.getCurrentImageId?.();
  if (!imageId || !(widthPx > 0)) return null;
  const plane = metaData.get("imagePlaneModule", imageId) as { rowPixelSpacing?: number | null; columnPixelSpacing?: number | null; usingDefaultValues?: boolean } | undefined;
  if (!plane || plane.usingDefaultValues || !(Number(plane.rowPixelSpacing) > 0) || !(Number(plane.columnPixelSpacing) > 0)) return null;
  const mmPerPx = norm(sub(vp.canvasToWorld([100, 0]), vp.canvasToWorld([0, 0]))) / 100;
  if (!(mmPerPx > 0) || !Number.isFinite(mmPerPx)) return null;
  const target = (widthPx / 5) * mmPerPx;
  const pow = 10 ** Math.floor(Math.log10(target));
  const mm = [5, 2, 1].map((k) => k * pow).find((x) => x <= target) ?? pow;
  return { mm, px: mm / mmPerPx };
}
