"use client";
// Draws the assessment's saliency map over the image, following the viewport's zoom, pan and
// flip: the map's corners are mapped image → world → canvas, so it stays registered to anatomy.
// Its legend names the outcome the map explains (the assessment's headline outcome, or the one the
// clinician picks when a map was stored per outcome) and the colour scale.
import { useEffect, useMemo, useRef, useState } from "react";
import { Enums, utilities, type Types } from "@cornerstonejs/core";
import type { ViewerSaliency } from "../types";
import { decodeBase64, saliencyToRgba } from "./saliencyColormap";
import { SaliencyLegend } from "./SaliencyLegend";

type Props = {
  element: HTMLDivElement | null;
  viewport: () => Types.IStackViewport | null;
  saliency: ViewerSaliency;
  opacity: number;
};

/** The outcome picked per loaded set of maps (the record page keeps one object per assessment while it shows it). */
const picks = new WeakMap<ViewerSaliency, string>();

export function SaliencyOverlay({ element, viewport, saliency, opacity }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // the clinician's pick holds for this assessment's maps (also when the overlay is switched off
  // and on, which unmounts this component); another assessment opens on its headline outcome
  const [picked, setPicked] = useState<{ of: ViewerSaliency; head: string } | null>(null);
  const outcomes = saliency.byOutcome.length ? saliency.byOutcome : [saliency];
  const head = (picked?.of === saliency ? picked.head : undefined) ?? picks.get(saliency) ?? saliency.head;
  const pick = (h: string) => {
    picks.set(saliency, h);
    setPicked({ of: saliency, head: h });
  };
  const map = outcomes.find((o) => o.head === head) ?? saliency;
  const source = useMemo(() => {
    const values = decodeBase64(map.data);
    if (values.length < map.width * map.height) return null;
    const c = document.createElement("canvas");
    c.width = map.width;
    c.height = map.height;
    c.getContext("2d")!.putImageData(new ImageData(saliencyToRgba(values.subarray(0, map.width * map.height)) as never, map.width, map.height), 0, 0);
    return c;
  }, [map]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || !element || !source) return;
    const draw = () => {
      const vp = viewport();
      const ctx = canvas.getContext("2d")!;
      const dpr = window.devicePixelRatio || 1;
      const w = element.clientWidth;
      const h = element.clientHeight;
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      const imageId = vp?.getCurrentImageId();
      const image = vp?.getCornerstoneImage?.();
      if (!vp || !imageId || !image) return;
      const toCanvas = (col: number, row: number) => vp.worldToCanvas(utilities.imageToWorldCoords(imageId, [col, row]) as Types.Point3);
      // pixel centres are at integer indices: the image's outer edge is half a pixel beyond
      const o = toCanvas(-0.5, -0.5);
      const x = toCanvas(image.columns - 0.5, -0.5);
      const y = toCanvas(-0.5, image.rows - 0.5);
      ctx.globalAlpha = opacity;
      ctx.imageSmoothingEnabled = true;
      ctx.setTransform(
        ((x[0] - o[0]) / source.width) * dpr, ((x[1] - o[1]) / source.width) * dpr,
        ((y[0] - o[0]) / source.height) * dpr, ((y[1] - o[1]) / source.height) * dpr,
        o[0] * dpr, o[1] * dpr,
      );
      ctx.drawImage(source, 0, 0);
    };
    const evs = [Enums.Events.IMAGE_RENDERED, Enums.Events.CAMERA_MODIFIED];
    for (const ev of evs) element.addEventListener(ev, draw);
    draw();
    return () => {
      for (const ev of evs) element.removeEventListener(ev, draw);
      canvas.getContext("2d")?.clearRect(0, 0, canvas.width, canvas.height);
    };
  }, [element, viewport, source, opacity]);

  return (
    <>
      <canvas ref={canvasRef} className="viewer-overlay-canvas" data-testid="saliency-overlay" data-head={map.head} aria-hidden="true" />
      <SaliencyLegend outcomes={outcomes} shown={map} headline={saliency.head} onPick={pick} />
    </>
  );
}
