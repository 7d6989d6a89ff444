import { PNG } from "pngjs";
import { decodeFrame, type DecodedFrame } from "./decode";
import { applyWindow, defaultWindow } from "./window";
import type { Voi } from "./voi";
import type { ParsedDicom } from "./parse";
import type { ImageLimits } from "./limits";

/**
 * A display-ready picture of a scan's first frame, as the interactive viewer opens it: the same
 * default window (voi.ts `defaultVoi`, which the viewer uses too), MONOCHROME1 shown inverted, colour as RGB. Used for the record page's preview (shown
 * until the viewer has drawn the scan) and for the thumbnail strip.
 */
export interface PreviewImage {
  width: number;
  height: number;
  /** 1 = grey, 3 = RGB */
  channels: 1 | 3;
  /** width × height × channels display values, 0–255, row-major */
  data: Uint8Array;
  /** The window applied (grey images only). */
  window: Voi | null;
}

export async function renderPreview(parsed: ParsedDicom, opts: { maxSize?: number; limits?: ImageLimits } = {}): Promise<PreviewImage> {
  const frame = await decodeFrame(parsed, 0, opts.limits);
  return previewOfFrame(parsed, frame, opts.maxSize ?? 512);
}

export function previewOfFrame(parsed: ParsedDicom, f: DecodedFrame, maxSize: number): PreviewImage {
  let full: Uint8Array;
  let window: PreviewImage["window"] = null;
  if (f.samplesPerPixel === 1) {
    window = defaultWindow(parsed, f);
    full = new Uint8Array(applyWindow(f.data, window.center, window.width, { invert: f.monochrome1 }).buffer);
  } else {
    full = Uint8Array.from(f.data, (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v)));
  }
  const out = downscale(full, f.columns, f.rows, f.samplesPerPixel, maxSize);
  return { ...out, channels: f.samplesPerPixel, window };
}

/**
 * Shrinks an interleaved 8-bit image to fit maxSize × maxSize (never enlarges) by averaging the
 * source pixels under each target pixel. Averaging, not picking every n-th pixel: a thin bright
 * structure (a rib, a catheter, the edge of a colour bar) stays visible in a 64-pixel thumbnail.
 */
export function downscale(src: Uint8Array, width: number, height: number, channels: number, maxSize: number): { width: number; height: number; data: Uint8Array } {
  const scale = Math.min(1, maxSize / Math.max(width, height));
  if (scale === 1) return { width, height, data: src };
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const out = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w));
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += src[(sy * width + sx) * channels + c];
        out[(y * w + x) * channels + c] = Math.round(sum / n);
      }
    }
  }
  return { width: w, height: h, data: out };
}

/** Greyscale or RGB PNG (no alpha: smaller and quicker to decode than RGBA). */
export function previewPng(img: Pick<PreviewImage, "width" | "height" | "channels" | "data">): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: img.channels === 1 ? 0 : 2, inputColorType: img.channels === 1 ? 0 : 2, inputHasAlpha: false });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return PNG.sync.write(png, { colorType: img.channels === 1 ? 0 : 2, inputColorType: img.channels === 1 ? 0 : 2, inputHasAlpha: false });
}
