"use client";
import { useTranslations } from "next-intl";
import type { Types } from "@cornerstonejs/core";
import { orientationOf, scaleBarOf } from "../tools/orientation";

function useScaleText() {
  const t = useTranslations("viewer");
  return { scale: (mm: number) => `${mm} mm`, scaleLabel: (mm: number) => t("scaleLabel", { mm }) };
}

/**
 * Orientation letters at the four edges (from Image Orientation (Patient), following rotation and
 * flips) and a scale bar (from Pixel Spacing). `belowBanner`: the identity flag covers the top edge's
 * middle, so the top letter sits under it (the scale bar is bottom right, clear of the saliency legend). Recomputed whenever the shell re-renders, which it
 * does on every camera, frame and window change (useViewport's sync).
 */
export function OrientationOverlay({ viewport, belowBanner = false }: { viewport: () => Types.IStackViewport | null; belowBanner?: boolean }) {
  const TEXT = useScaleText();
  const vp = viewport();
  if (!vp) return null;
  let o: ReturnType<typeof orientationOf> = null;
  let bar: ReturnType<typeof scaleBarOf> = null;
  try {
    o = orientationOf(vp);
    bar = scaleBarOf(vp, vp.element.clientWidth);
  } catch {
    return null; // no image yet
  }
  return (
    <>
      {o && (
        <div data-testid="orientation" data-top={o.top} data-bottom={o.bottom} data-left={o.left} data-right={o.right}>
          <div className={belowBanner ? "orient orient-top below-banner" : "orient orient-top"}>{o.top}</div>
          <div className="orient orient-bottom">{o.bottom}</div>
          <div className="orient orient-left">{o.left}</div>
          <div className="orient orient-right">{o.right}</div>
        </div>
      )}
      {bar && (
        <div className={belowBanner ? "scale-bar below-banner" : "scale-bar"} data-testid="scale-bar" data-mm={bar.mm} data-px={bar.px.toFixed(2)} role="img" aria-label={TEXT.scaleLabel(bar.mm)}>
          <div className="scale-bar-line" style={{ width: `${bar.px}px` }} />
          <span>{TEXT.scale(bar.mm)}</span>
        </div>
      )}
    </>
  );
}
