/**
 * How the image out-of-distribution check and the model respond to geometry: synthetic test slices
 * mirrored left–right, shifted by 28–40 mm (within the 300 mm field, which cuts off part of the
 * body, or within a 375 mm field), rotated by 10–20° and rescaled (field of view 375 or 255 mm), each with the DICOM header either describing the new geometry (what a scanner writes:
 * Pixel Spacing, Image Orientation (Patient)) or left as for the original slice (pixels altered
 * behind the header's back). Per model and case: how many images the check flags (those are scored
 * on the record alone), the median Mahalanobis distance and the AUROC of the scores as deployed.
 *
 * A model with "area" preprocessing (≤ 1.1.0) ignores the header, so both variants are the same
 * input for it; "physical" preprocessing (lib/fusion/physical.ts) undoes what the header states and
 * centres the body, so its consistent-header rows should look like the original slices.
 */
import { loadFusionBundle } from "@/lib/fusion/bundle";
import { encodeRecord, preprocessImage, type ImageGeometry } from "@/lib/fusion/encoders";
import { mahalanobis } from "@/lib/fusion/ood";
import { generatePatient, renderScan, toRecordInput, HEADS, SCAN_FOV_MM } from "./cohort";
import type { GeometryRow } from "./card";
import { auroc } from "./metrics";
import { quantile } from "./ood-fit";
import { mulberry32, type Rng } from "./rng";
import { pooledImageFeatures, predictRows, type NetData } from "./trainer";

type Warp = { A: [number, number, number, number]; shiftMm: [number, number]; scale: number };

/** new(u') = old(A·(u' − t)), u' in mm on a field of view scale × 300 mm. */
export const GEOMETRY_CASES: Record<string, (r: Rng) => Warp> = {
  "mirrored left–right": () => ({ A: [-1, 0, 0, 1], shiftMm: [0, 0], scale: 1 }),
  "shifted 28–40 mm (body partly outside the 300 mm field)": (r) => ({ A: [1, 0, 0, 1], shiftMm: shift(r), scale: 1 }),
  "shifted 28–40 mm in a 375 mm field (whole body in view)": (r) => ({ A: [1, 0, 0, 1], shiftMm: shift(r), scale: 1.25 }),
  "rotated 10–20°": (r) => {
    const t = ((r.bernoulli(0.5) ? 1 : -1) * r.uniform(10, 20) * Math.PI) / 180;
    return { A: [Math.cos(t), -Math.sin(t), Math.sin(t), Math.cos(t)], shiftMm: [0, 0], scale: 1 };
  },
  "field of view 375 mm (×1.25)": () => ({ A: [1, 0, 0, 1], shiftMm: [0, 0], scale: 1.25 }),
  "field of view 255 mm (×0.85, body edges cut off)": () => ({ A: [1, 0, 0, 1], shiftMm: [0, 0], scale: 0.85 }),
};

function shift(r: Rng): [number, number] {
  const a = r.uniform(0, 2 * Math.PI), d = r.uniform(28, 40);
  return [d * Math.cos(a), d * Math.sin(a)];
}

export function warpSlice(hu: ArrayLike<number>, N: number, w: Warp): Float32Array {
  const d = SCAN_FOV_MM / N, d2 = d * w.scale;
  const out = new Float32Array(N * N);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= N || y >= N ? -1000 : hu[y * N + x]);
  for (let j = 0; j < N; j++)
    for (let i = 0; i < N; i++) {
      const u = (i + 0.5 - N / 2) * d2 - w.shiftMm[0], v = (j + 0.5 - N / 2) * d2 - w.shiftMm[1];
      const x = (w.A[0] * u + w.A[1] * v) / d + N / 2 - 0.5, y = (w.A[2] * u + w.A[3] * v) / d + N / 2 - 0.5;
      const x0 = Math.floor(x), y0 = Math.floor(y), ax = x - x0, ay = y - y0;
      out[j * N + i] = (at(x0, y0) * (1 - ax) + at(x0 + 1, y0) * ax) * (1 - ay) + (at(x0, y0 + 1) * (1 - ax) + at(x0 + 1, y0 + 1) * ax) * ay;
    }
  return out;
}

const standard = (N: number): ImageGeometry => ({ pixelSpacingMm: [SCAN_FOV_MM / N, SCAN_FOV_MM / N], orientation: [1, 0, 0, 0, 1, 0] });
const described = (N: number, w: Warp): ImageGeometry => {
  const s = (SCAN_FOV_MM / N) * w.scale;
  return { pixelSpacingMm: [s, s], orientation: [w.A[0], w.A[2], 0, w.A[1], w.A[3], 0] };
};

export async function measureGeometry(dir: string, o: { n: number; seed: number; offset: number; renderSize?: number; onCase?: (s: string) => void }): Promise<{ model: string; rows: GeometryRow[] }> {
  const b = await loadFusionBundle(dir);
  const N = o.renderSize ?? 256;
  const S = b.meta.arch.imageSize, D = b.meta.arch.tabularDim;
  const resize = b.spec.image.resize;
  const H = b.meta.heads.length;
  const patients = Array.from({ length: o.n }, (_, i) => generatePatient(o.seed, o.offset + i));
  const slices = patients.map((p) => renderScan(p, { size: N }).hu);
  const tab = new Float32Array(o.n * D);
  patients.forEach((p, i) => tab.set(encodeRecord(toRecordInput(p)).vector, i * D));
  const labels = patients.map((p) => HEADS.map((h) => p.labels[h]));
  const rows = Array.from({ length: o.n }, (_, i) => i);
  const base: Omit<NetData, "images"> = { n: o.n, tab, hasImage: new Uint8Array(o.n).fill(1), labels: new Float32Array(o.n * H), aux: null, auxDim: 0, fillImage: null };
  const tabL = predictRows(b.tabular!, b.meta.tabularArch!, { ...base, images: null }, rows);
  const sig = (z: number, T: number) => 1 / (1 + Math.exp(-z / T));
  const measure = (transform: string, header: string, images: Float32Array): GeometryRow => {
    const d: NetData = { ...base, images };
    const f = pooledImageFeatures(b.main, b.meta.arch, d, rows);
    const dist = rows.map((k) => (b.ood ? mahalanobis(b.ood, f.values.subarray(k * f.dim, (k + 1) * f.dim)) : 0));
    const flagged = dist.map((x) => !!b.ood && x > b.ood.ref.threshold);
    const jl = predictRows(b.main, b.meta.arch, d, rows);
    const au: Record<string, number> = {};
    b.meta.heads.forEach((h, j) => {
      const p = rows.map((k) => (flagged[k] ? sig(tabL[k * H + j], b.meta.calibration.tabular!.temperature[j]) : sig(jl[k * H + j], b.meta.calibration.main.temperature[j])));
      au[h] = auroc(rows.map((k) => labels[k][HEADS.indexOf(h as (typeof HEADS)[number])]), p);
    });
    return { transform, header, n: o.n, flagged: flagged.filter(Boolean).length / o.n, medianDistance: quantile(dist, 0.5), auroc: au };
  };
  const prep = (make: (i: number) => { data: Float32Array; geometry: ImageGeometry | null }) => {
    const out = new Float32Array(o.n * S * S);
    for (let i = 0; i < o.n; i++) {
      const m = make(i);
      out.set(preprocessImage({ rows: N, columns: N, data: m.data, modality: "CT", geometry: m.geometry }, S, resize).data, i * S * S);
    }
    return out;
  };
  const result: GeometryRow[] = [];
  o.onCase?.("original");
  result.push(measure("original slices", "standard", prep((i) => ({ data: Float32Array.from(slices[i]), geometry: standard(N) }))));
  result.push({ transform: "record only (no image; reference)", header: "—", n: o.n, flagged: NaN, medianDistance: NaN, auroc: Object.fromEntries(b.meta.heads.map((h, j) => [h, auroc(rows.map((k) => labels[k][j]), rows.map((k) => sig(tabL[k * H + j], b.meta.calibration.tabular!.temperature[j])))])) });
  Object.entries(GEOMETRY_CASES).forEach(([name, make], c) => {
    o.onCase?.(name);
    const rng = mulberry32((o.seed ^ (0x9e37 * (c + 1))) >>> 0);
    const warps = rows.map(() => make(rng));
    const warped = rows.map((i) => warpSlice(slices[i], N, warps[i]));
    if (resize === "area") result.push(measure(name, "ignored (area preprocessing)", prep((i) => ({ data: warped[i], geometry: null }))));
    else {
      result.push(measure(name, "describes the new geometry", prep((i) => ({ data: warped[i], geometry: described(N, warps[i]) }))));
      result.push(measure(name, "unchanged (pixels altered behind it)", prep((i) => ({ data: warped[i], geometry: standard(N) }))));
    }
  });
  const label = `${b.meta.name} ${b.meta.version} (${resize} preprocessing)`;
  b.dispose();
  return { model: label, rows: result };
}
