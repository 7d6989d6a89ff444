/**
 * Out-of-distribution check for the image branch. The demo model was trained on synthetic chest-CT
 * slices only; a real CT of another body part (or any image unlike the training images) would be
 * scored as if it were one. Before the image is used, its pooled last-conv features (img_pool:
 * global max + average pooling, 2 × the last conv's channels) are compared with the training
 * images' features by Mahalanobis distance (Lee et al., NeurIPS 2018, on one layer). Above the
 * threshold — a high quantile of the distances of held-out in-distribution images — the image is
 * not used: the assessment takes the record-only path and is flagged `image_out_of_distribution`.
 *
 * The reference (`ood.json` in the model bundle) is fitted by models/fusion/ood-fit.ts.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { ImageCheck } from "@/lib/domain/assessment";

export const OOD_FLAG = "image_out_of_distribution";

export const OodReference = z.object({
  method: z.literal("mahalanobis"),
  /** which activations: the image branch's pooled last-conv features */
  layer: z.literal("img_pool"),
  dim: z.number().int().positive(),
  mean: z.array(z.number()),
  /** inverse of the (shrunk) covariance, row-major dim × dim, float32 base64 */
  precisionBase64: z.string(),
  /** distance (not squared) above which the image is out of distribution */
  threshold: z.number().positive(),
  thresholdQuantile: z.number().gt(0).lt(1),
  shrinkage: z.number().min(0).max(1),
  fittedOn: z.object({ generator: z.string(), seed: z.number(), offset: z.number(), n: z.number().int() }),
  thresholdFrom: z.object({ seed: z.number(), offset: z.number(), n: z.number().int() }),
  /** held-out measurements written by the fit (see models/fusion/ood-fit.ts) */
  evaluation: z.record(z.string(), z.unknown()),
});
export type OodReference = z.infer<typeof OodReference>;

/** What one check found (stored with the assessment as `explanation.imageCheck`). */
export type OodCheck = ImageCheck;

export type OodRuntime = { ref: OodReference; mean: Float64Array; precision: Float64Array };

export function oodRuntime(ref: OodReference): OodRuntime {
  const b = Buffer.from(ref.precisionBase64, "base64");
  const f32 = new Float32Array(b.byteLength / 4);
  new Uint8Array(f32.buffer).set(b);
  if (ref.mean.length !== ref.dim || f32.length !== ref.dim * ref.dim)
    throw new Error(`ood.json is inconsistent: dim ${ref.dim}, mean ${ref.mean.length}, precision ${f32.length} values`);
  return { ref, mean: Float64Array.from(ref.mean), precision: Float64Array.from(f32) };
}

/** Mahalanobis distance sqrt((x − μ)ᵀ P (x − μ)). */
export function mahalanobis(rt: Pick<OodRuntime, "mean" | "precision">, x: ArrayLike<number>): number {
  const d = rt.mean.length;
  if (x.length !== d) throw new Error(`expected ${d} features, got ${x.length}`);
  const c = new Float64Array(d);
  for (let i = 0; i < d; i++) c[i] = x[i] - rt.mean[i];
  let s = 0;
  for (let i = 0; i < d; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) row += rt.precision[i * d + j] * c[j];
    s += c[i] * row;
  }
  return Math.sqrt(Math.max(0, s));
}

export function checkImage(rt: OodRuntime, pooled: ArrayLike<number>): OodCheck {
  const distance = mahalanobis(rt, pooled);
  return { method: "mahalanobis", layer: "img_pool", distance, threshold: rt.ref.threshold, inDistribution: distance <= rt.ref.threshold };
}

/** The bundle's ood.json, or null when the bundle has none (older bundles: no check, flagged by the caller). */
export async function loadOodReference(dir: string): Promise<OodRuntime | null> {
  let text: string;
  try {
    text = await readFile(path.join(dir, "ood.json"), "utf8");
  } catch {
    return null;
  }
  const parsed = OodReference.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path.join(dir, "ood.json")} is not a valid out-of-distribution reference: ${parsed.error.message}`);
  return oodRuntime(parsed.data);
}
