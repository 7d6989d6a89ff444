import { metaData, utilities, type Types } from "@cornerstonejs/core";
import { defaultVoi, type Voi } from "@/lib/dicom/voi";
import type { ToolContext } from "./types";

/**
 * The view a scan opens with and Reset returns to: the window chosen by lib/dicom/voi.ts
 * `defaultVoi` (the same function the server preview uses, so the first picture and the viewer
 * agree) and MONOCHROME1's polarity (low values white, as the preview shows it). Cornerstone's own
 * default trusts any header window — a WindowWidth of 0 opened black, and Reset kept it black —
 * and opens a CT without one at its full range (washed-out grey).
 */
type DefaultView = { voiRange: Types.VOIRange; invert: boolean; voi: Voi };
const defaults = new WeakMap<Types.IStackViewport, DefaultView>();

const first = (v: unknown): number | null => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === "number" ? x : typeof x === "string" && x.trim() ? Number(x) : null;
};

/** Works out the current image's default view, remembers it for Reset and applies it (no render). */
export function applyDefaultView(ctx: Pick<ToolContext, "viewport" | "modality">): DefaultView | null {
  const vp = ctx.viewport;
  const image = vp.getCornerstoneImage?.();
  if (!image || image.color) {
    defaults.delete(vp);
    return null;
  }
  const slope = image.slope ?? 1;
  const intercept = image.intercept ?? 0;
  const identity = slope === 1 && intercept === 0;
  // the loader usually hands over modality values already (preScale); otherwise apply the rescale
  const scaled = !!(image as { preScale?: { scaled?: boolean } }).preScale?.scaled || identity;
  const raw = image.getPixelData() as ArrayLike<number>;
  const pixels = scaled ? raw : Float32Array.from(raw as ArrayLike<number>, (v) => v * slope + intercept);
  // the header's own window (not Cornerstone's substitute for a missing or zero one)
  const voiModule = metaData.get("voiLutModule", image.imageId) as { windowCenter?: unknown; windowWidth?: unknown } | undefined;
  const voi = defaultVoi({ modality: ctx.modality, header: { center: first(voiModule?.windowCenter), width: first(voiModule?.windowWidth) }, pixels });
  const range = utilities.windowLevel.toLowHighRange(voi.width, voi.center);
  const voiRange = scaled ? range : { lower: (range.lower - intercept) / slope, upper: (range.upper - intercept) / slope };
  const pixelModule = metaData.get("imagePixelModule", image.imageId) as { photometricInterpretation?: string } | undefined;
  const invert = (pixelModule?.photometricInterpretation ?? (image as { photometricInterpretation?: string }).photometricInterpretation) === "MONOCHROME1" || !!image.invert;
  const view = { voiRange, invert, voi };
  defaults.set(vp, view);
  vp.setProperties({ voiRange, invert });
  return view;
}

/** The remembered default of the viewport's current scan (null for colour images). */
export function defaultViewOf(vp: Types.IStackViewport): DefaultView | null {
  return defaults.get(vp) ?? null;
}
