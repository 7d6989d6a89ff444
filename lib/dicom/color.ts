/** Colour-space helpers for decoded samples (PS3.3 C.7.6.3.1.2). Inputs and outputs are interleaved. */

type Samples = ArrayLike<number>;

/** Colour-by-plane (Planar Configuration 1) → colour-by-pixel. */
export function planarToInterleaved<T extends Uint8Array | Uint16Array | Uint32Array>(src: T, pixels: number, spp: number): T {
  const out = new (src.constructor as new (n: number) => T)(pixels * spp);
  for (let s = 0; s < spp; s++) {
    const base = s * pixels;
    for (let i = 0; i < pixels; i++) out[i * spp + s] = src[base + i];
  }
  return out;
}

/** Native YBR_FULL_422: each pair of pixels is stored Y1 Y2 Cb Cr; expand to full Y Cb Cr triples. */
export function upsampleYbr422(src: Samples, rows: number, columns: number): Uint16Array {
  const out = new Uint16Array(rows * columns * 3);
  let i = 0;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c += 2) {
      const y1 = src[i];
      const y2 = src[i + 1];
      const cb = src[i + 2];
      const cr = src[i + 3];
      i += 4;
      out[o++] = y1;
      out[o++] = cb;
      out[o++] = cr;
      if (c + 1 < columns) {
        out[o++] = y2;
        out[o++] = cb;
        out[o++] = cr;
      }
    }
  }
  return out;
}

/** YBR_FULL (ITU-R BT.601 full range) → RGB, clamped to [0, maxValue]. */
export function ybrFullToRgb(src: Samples, bitsStored: number): Float32Array {
  const max = 2 ** bitsStored - 1;
  const half = 2 ** (bitsStored - 1);
  const out = new Float32Array(src.length);
  for (let i = 0; i + 2 < src.length; i += 3) {
    const y = src[i];
    const cb = src[i + 1] - half;
    const cr = src[i + 2] - half;
    out[i] = clamp(Math.round(y + 1.402 * cr), max);
    out[i + 1] = clamp(Math.round(y - 0.344136 * cb - 0.714136 * cr), max);
    out[i + 2] = clamp(Math.round(y + 1.772 * cb), max);
  }
  return out;
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}

/** Scale samples of `bits` depth to 0–255 (8-bit samples pass through unchanged). */
export function toByteRange(src: Samples, bits: number): Float32Array {
  const out = new Float32Array(src.length);
  if (bits <= 8) {
    for (let i = 0; i < src.length; i++) out[i] = src[i];
    return out;
  }
  const scale = 255 / (2 ** bits - 1);
  for (let i = 0; i < src.length; i++) out[i] = Math.round(src[i] * scale);
  return out;
}

export interface PaletteLut {
  /** Number of entries, first mapped stored value, bits per entry (8 or 16). */
  entries: number;
  firstValue: number;
  bits: number;
  red: ArrayLike<number>;
  green: ArrayLike<number>;
  blue: ArrayLike<number>;
}

/** PALETTE COLOR: indices → RGB 0–255 via the Red/Green/Blue Palette Color LUTs (not segmented). */
export function applyPalette(indices: Samples, lut: PaletteLut): Float32Array {
  const out = new Float32Array(indices.length * 3);
  const shift = lut.bits > 8 ? 8 : 0;
  const last = lut.entries - 1;
  for (let i = 0; i < indices.length; i++) {
    let k = indices[i] - lut.firstValue;
    k = k < 0 ? 0 : k > last ? last : k;
    out[i * 3] = lut.red[k] >> shift;
    out[i * 3 + 1] = lut.green[k] >> shift;
    out[i * 3 + 2] = lut.blue[k] >> shift;
  }
  return out;
}
