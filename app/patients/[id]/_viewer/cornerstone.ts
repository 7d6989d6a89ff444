"use client";
// Cornerstone3D bootstrap: core, the DICOM image loader (web-worker decoders + WASM codecs,
// bundled by Next from node_modules via `new URL(..., import.meta.url)`), our PNG/JPEG loader
// and the tools. Runs once per page, in the browser only (this module is reached through
// next/dynamic with ssr: false).
import * as core from "@cornerstonejs/core";
import * as tools from "@cornerstonejs/tools";
import { init as initDicomLoader } from "@cornerstonejs/dicom-image-loader";
import { registerWebImageLoader } from "./webImageLoader";

let ready: Promise<void> | null = null;

export function initCornerstone(): Promise<void> {
  ready ??= (async () => {
    core.init();
    // Two cores on the target machines: one decoder worker keeps the UI thread responsive.
    initDicomLoader({ maxWebWorkers: Math.max(1, Math.min(2, (navigator.hardwareConcurrency || 2) - 1)) });
    registerWebImageLoader();
    tools.init();
    for (const T of [tools.WindowLevelTool, tools.PanTool, tools.ZoomTool, tools.StackScrollTool]) tools.addTool(T);
  })();
  return ready;
}

export { core, tools };
