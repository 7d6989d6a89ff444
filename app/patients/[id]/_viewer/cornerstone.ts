"use client";
// Cornerstone3D bootstrap: core, the DICOM image loader (web-worker decoders + WASM codecs,
// bundled by Next from node_modules via `new URL(..., import.meta.url)`), our PNG/JPEG loader
// and the tools the viewer uses (navigation, and the reading tools of tools/measure.ts). Runs once per page, in the browser only (this module is
// reached through a client-only dynamic import).
//
// Named imports only: a namespace import (`import * as tools`) that is passed around keeps every
// export of the package alive, and @cornerstonejs/tools alone is ~1 MB of segmentation and
// annotation code the viewer never runs. Parsing that code was a large part of the time to the
// first interactive image.
import { getRenderingCapabilities, init as initCore, setUseCPURendering } from "@cornerstonejs/core";
import { init as initTools, addTool, PanTool, StackScrollTool, WindowLevelTool, ZoomTool } from "@cornerstonejs/tools";
import { init as initDicomLoader } from "@cornerstonejs/dicom-image-loader";
import { registerWebImageLoader } from "./webImageLoader";
import { MEASURE_TOOL_CLASSES } from "./tools/measure";

let ready: Promise<void> | null = null;

export function initCornerstone(): Promise<void> {
  ready ??= (async () => {
    initCore();
    // Without a GPU (a VDI desktop, a thin client, a headless browser) WebGL is emulated by a
    // software rasteriser (SwiftShader, llvmpipe). Cornerstone detects that and only logs "GPU
    // rendering may be slow"; its CPU path draws a 2D stack far sooner there: measured on such a
    // machine, context creation + first frame took ~1.8 s through emulated WebGL, ~0.2 s on the CPU.
    if (getRenderingCapabilities().softwareRasterizer) setUseCPURendering(true, false);
    // Two cores on the target machines: one decoder worker keeps the UI thread responsive.
    initDicomLoader({ maxWebWorkers: Math.max(1, Math.min(2, (navigator.hardwareConcurrency || 2) - 1)) });
    registerWebImageLoader();
    initTools();
    for (const T of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, ...MEASURE_TOOL_CLASSES]) addTool(T);
  })();
  return ready;
}
