import type { SaliencyMap } from "@/lib/domain/assessment";

/**
 * Where a stored saliency map (Grad-CAM, width×height uint8 over the whole frame, row-major) puts
 * its weight, on a 3×3 grid of the image as displayed (row 0 at the top, column 0 at the left).
 * Only what the map says: image directions, not anatomy — which side of the image is the patient's
 * right depends on the scan's orientation, which the assessment does not store.
 */
export type ZoneRow = "upper" | "middle" | "lower";
export type ZoneColumn = "left" | "middle" | "right";

export type SaliencyZone =
  | { kind: "empty" }
  | {
      kind: "focused" | "diffuse";
      /** the ninth of the image holding the most weight */
      row: ZoneRow;
      column: ZoneColumn;
      /** that ninth's share of the map's total weight, 0–1 */
      share: number;
      /** frame of the scan the map lies over (0-based, as stored) */
      frame: number;
    };

const ROWS: ZoneRow[] = ["upper", "middle", "lower"];
const COLUMNS: ZoneColumn[] = ["left", "middle", "right"];

/**
 * A ninth holding at least this share of the weight is where the map "concentrates"; below it
 * the map is described as spread out (a uniform map puts 1/9 ≈ 11% in each ninth).
 */
export const FOCUS_SHARE = 0.25;

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64); // browser and Node ≥ 16 alike: lib/narrative is read in both
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function saliencyZone(map: Pick<SaliencyMap, "width" | "height" | "data" | "frame">): SaliencyZone {
  const { width: w, height: h } = map;
  const px = decodeBase64(map.data);
  if (px.length !== w * h) throw new Error(`saliency map data is ${px.length} bytes, not ${w}×${h}`);
  const sums = new Array<number>(9).fill(0);
  let total = 0;
  for (let y = 0; y < h; y++) {
    const r = Math.min(2, Math.floor((y * 3) / h));
    for (let x = 0; x < w; x++) {
      const v = px[y * w + x];
      if (!v) continue;
      sums[r * 3 + Math.min(2, Math.floor((x * 3) / w))] += v;
      total += v;
    }
  }
  if (!total) return { kind: "empty" };
  let best = 0;
  for (let i = 1; i < 9; i++) if (sums[i] > sums[best]) best = i; // ties: the first in reading order
  const share = sums[best] / total;
  return { kind: share >= FOCUS_SHARE ? "focused" : "diffuse", row: ROWS[Math.floor(best / 3)], column: COLUMNS[best % 3], share, frame: map.frame };
}
