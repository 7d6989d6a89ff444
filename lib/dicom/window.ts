import type { DecodedFrame } from "./decode";
import type { ParsedDicom } from "./parse";
import { defaultVoi, type Voi } from "./voi";

/** VOI windowing (PS3.3 C.11.2.1.2) of modality values to display grey levels 0–255. */

export interface Window {
  center: number;
  width: number;
}

export interface WindowPreset extends Window {
  label: string;
}

/** Common CT presets (Hounsfield units). */
export const WINDOW_PRESETS = {
  softTissue: { label: "CT soft tissue", center: 40, width: 400 },
  lung: { label: "CT lung", center: -600, width: 1500 },
  bone: { label: "CT bone", center: 480, width: 2500 },
  brain: { label: "CT brain", center: 40, width: 80 },
} as const satisfies Record<string, WindowPreset>;

export type WindowPresetName = keyof typeof WINDOW_PRESETS;

/**
 * The DICOM "LINEAR" VOI LUT function (PS3.3 C.11.2.1.2.1):
 *   x ≤ c − 0.5 − (w−1)/2  → 0
 *   x > c − 0.5 + (w−1)/2  → 255
 *   else ((x − (c − 0.5)) / (w − 1) + 0.5) × 255
 * Width must be ≥ 1 (smaller widths are treated as 1). `invert` is for MONOCHROME1 display.
 */
export function applyWindow(data: ArrayLike<number>, center: number, width: number, opts: { invert?: boolean } = {}): Uint8ClampedArray {
  const w = Math.max(1, width);
  const low = center - 0.5 - (w - 1) / 2;
  const high = center - 0.5 + (w - 1) / 2;
  const out = new Uint8ClampedArray(data.length);
  const span = w - 1;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    let y: number;
    if (x <= low) y = 0;
    else if (x > high) y = 255;
    else y = ((x - (center - 0.5)) / span + 0.5) * 255;
    out[i] = opts.invert ? 255 - y : y;
  }
  return out;
}

/**
 * The window to open an image with (voi.ts `defaultVoi`): the header's Window Center/Width when
 * sane, else the modality default (CT soft tissue), else a robust range of the frame's values.
 */
export function defaultWindow(parsed: ParsedDicom, frame: Pick<DecodedFrame, "data">): Voi {
  const { windowCenter, windowWidth, modality } = parsed.metadata;
  return defaultVoi({ modality, header: { center: windowCenter, width: windowWidth }, pixels: frame.data });
}

/** Window spanning [min, max] exactly: min maps to 0 and max to 255. */
export function minMaxWindow(frame: Pick<DecodedFrame, "min" | "max">): Window & { source: "minmax" } {
  const min = Number.isFinite(frame.min) ? frame.min : 0;
  const max = Number.isFinite(frame.max) ? frame.max : min;
  const width = Math.max(1, max - min + 1);
  return { center: min + width / 2, width, source: "minmax" };
}
