import type { TrendBasis } from "@/lib/domain";

export const TREND_COLOR = "#0b5cad";

/** The marker's shape by modality: CT circle, MR square, any other modality triangle, no scan diamond. */
export function markerShape(modality: string | null): "circle" | "square" | "triangle" | "diamond" {
  return modality === null ? "diamond" : modality === "CT" ? "circle" : modality === "MR" ? "square" : "triangle";
}

/** One point's marker as SVG children centred on (cx, cy): shape = modality, filled = image used. */
export function markerPath(shape: ReturnType<typeof markerShape>, cx: number, cy: number, r = 4.5): { d?: string; circle?: boolean } {
  switch (shape) {
    case "circle": return { circle: true };
    case "square": return { d: `M${cx - r},${cy - r}h${2 * r}v${2 * r}h${-2 * r}z` };
    case "triangle": return { d: `M${cx},${cy - r - 1}L${cx + r + 1},${cy + r}L${cx - r - 1},${cy + r}z` };
    case "diamond": return { d: `M${cx},${cy - r - 1}L${cx + r + 1},${cy}L${cx},${cy + r + 1}L${cx - r - 1},${cy}z` };
  }
}

/** A legend marker (14 px SVG), drawn like the chart's points. */
export function TrendMarker({ modality, basis }: { modality: string | null; basis: TrendBasis }) {
  const m = markerPath(markerShape(modality), 7, 7);
  const paint = { fill: basis === "joint" ? TREND_COLOR : "#fff", stroke: TREND_COLOR, strokeWidth: 1.6 };
  return (
    <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" className="trend-marker">
      {m.circle ? <circle cx={7} cy={7} r={4.5} {...paint} /> : <path d={m.d} {...paint} />}
    </svg>
  );
}
