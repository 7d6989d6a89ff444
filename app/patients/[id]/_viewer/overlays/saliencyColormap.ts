/**
 * Saliency bytes (0–255) → RGBA. A perceptually ordered, colour-blind-safe ramp (viridis-like:
 * dark blue → teal → yellow); weak attribution (< threshold) stays transparent so the anatomy
 * underneath remains readable.
 */
const STOPS: [number, [number, number, number]][] = [
  [0.0, [68, 1, 84]],
  [0.25, [59, 82, 139]],
  [0.5, [33, 145, 140]],
  [0.75, [94, 201, 98]],
  [1.0, [253, 231, 37]],
];

export function rampColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  for (let i = 1; i < STOPS.length; i++) {
    const [t1, c1] = STOPS[i];
    const [t0, c0] = STOPS[i - 1];
    if (x <= t1) {
      const f = (x - t0) / (t1 - t0);
      return [0, 1, 2].map((k) => Math.round(c0[k] + f * (c1[k] - c0[k]))) as [number, number, number];
    }
  }
  return STOPS[STOPS.length - 1][1];
}

/** Below this share of the map's strongest value nothing is drawn (the legend's ramp starts here). */
export const SALIENCY_THRESHOLD = 0.15;

/**
 * The ramp as drawn, from the threshold (weakest drawn) to the map's maximum, as a CSS
 * `linear-gradient` left → right: the legend shows exactly the colours the overlay uses.
 */
export function legendGradient(threshold = SALIENCY_THRESHOLD, steps = 8): string {
  const stops = Array.from({ length: steps + 1 }, (_, i) => {
    const [r, g, b] = rampColor(threshold + ((1 - threshold) * i) / steps);
    return `rgb(${r} ${g} ${b}) ${Math.round((i / steps) * 100)}%`;
  });
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

export function saliencyToRgba(values: Uint8Array, threshold = SALIENCY_THRESHOLD): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const t = values[i] / 255;
    if (t < threshold) continue;
    const [r, g, b] = rampColor(t);
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = Math.round(255 * Math.min(1, (t - threshold) / (1 - threshold) * 1.4));
  }
  return out;
}

export function decodeBase64(data: string): Uint8Array {
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
