/**
 * The window an image opens with — one choice for the server preview (preview.ts) and the browser
 * viewer (app/patients/[id]/_viewer), so the first picture and the interactive one agree, and
 * Reset returns to it. Pure and import-free: it runs in Node and in the browser bundle.
 *
 *   1. the header's first Window Center / Width, when it is sane (finite, width > 1);
 *   2. otherwise a modality default: CT soft tissue (W 400 / L 40, Hounsfield units);
 *   3. otherwise a robust range of the frame's own values: the 0.5th–99.5th percentiles of the
 *      pixels inside the field of view. Padding outside it — the Pixel Padding Value, or one
 *      extreme value (the frame's minimum or maximum) covering a large part of the frame, as a
 *      scanner fills the corners of a round field of view — is left out, so it neither stretches
 *      the window (a washed-out grey picture) nor dominates the percentiles.
 *
 * A header width of 0 (seen on real big-endian MR files) or 1 would open a black or a two-level
 * picture, so it is not sane. Values are modality values (after Rescale Slope / Intercept).
 */

export type VoiSource = "header" | "modality" | "histogram";

export interface Voi {
  center: number;
  width: number;
  source: VoiSource;
}

export interface DefaultVoiInput {
  modality: string | null | undefined;
  /** the header's first Window Center and Width (null / absent when the file has none) */
  header?: { center: number | null | undefined; width: number | null | undefined } | null;
  /** the frame's modality values (HU for CT) */
  pixels: ArrayLike<number>;
  /** Pixel Padding Value (0028,0120) in modality units, when the header has one */
  paddingValue?: number | null;
}

/** CT soft tissue, the default for a CT without a usable window (Hounsfield units). */
export const CT_DEFAULT_VOI = { center: 40, width: 400 } as const;

/** A constant value covering at least this share of the frame at one extreme is padding. */
const PADDING_SHARE = 0.05;
const LOW_PERCENTILE = 0.005;
const HIGH_PERCENTILE = 0.995;
/** Percentiles are taken over at most this many samples (a regular subsample of a larger frame). */
const MAX_SAMPLES = 262_144;

export function isSaneWindow(center: number | null | undefined, width: number | null | undefined): boolean {
  return typeof center === "number" && typeof width === "number" && Number.isFinite(center) && Number.isFinite(width) && width > 1;
}

export function defaultVoi(input: DefaultVoiInput): Voi {
  const h = input.header;
  if (h && isSaneWindow(h.center, h.width)) return { center: h.center!, width: h.width!, source: "header" };
  if ((input.modality ?? "").trim().toUpperCase() === "CT") return { ...CT_DEFAULT_VOI, source: "modality" };
  return { ...histogramVoi(input.pixels, input.paddingValue), source: "histogram" };
}

/** The 0.5th–99.5th percentile range of the values inside the field of view (see above). */
export function histogramVoi(pixels: ArrayLike<number>, paddingValue?: number | null): { center: number; width: number } {
  const n = pixels.length;
  const stride = Math.max(1, Math.ceil(n / MAX_SAMPLES));
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < n; i += stride) {
    const v = pixels[i];
    if (!Number.isFinite(v)) continue;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!count) return { center: 0, width: 2 };
  let atMin = 0;
  let atMax = 0;
  for (let i = 0; i < n; i += stride) {
    const v = pixels[i];
    if (v === min) atMin++;
    else if (v === max) atMax++;
  }
  const skip = new Set<number>();
  if (paddingValue !== null && paddingValue !== undefined && Number.isFinite(paddingValue)) skip.add(paddingValue);
  if (min !== max) {
    if (atMin / count >= PADDING_SHARE) skip.add(min);
    if (atMax / count >= PADDING_SHARE) skip.add(max);
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i += stride) {
    const v = pixels[i];
    if (Number.isFinite(v) && !skip.has(v)) kept.push(v);
  }
  // nothing but padding (a blank frame): span what there is
  const values = kept.length ? Float64Array.from(kept).sort() : Float64Array.of(min, max);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))];
  const lo = at(LOW_PERCENTILE);
  const hi = at(HIGH_PERCENTILE);
  const width = Math.max(2, hi - lo);
  return { center: lo + width / 2, width };
}
