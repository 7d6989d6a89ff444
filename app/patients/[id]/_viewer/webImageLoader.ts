"use client";
// PNG / JPEG scans as Cornerstone images ("fcdsweb:<url>"), so the same viewport, tools and
// overlays work on them. Grey images (r = g = b everywhere) become one-channel 8-bit images and
// can be windowed; colour images stay RGB.
import { imageLoader, metaData, utilities, type Types } from "@cornerstonejs/core";
import { takePrefetchedScanFile } from "./scanBytes";

export const WEB_SCHEME = "fcdsweb"; // also in imageIds.ts
const modules = new Map<string, Record<string, unknown>>();

async function fetchBytes(url: string): Promise<Blob> {
  const prefetched = takePrefetchedScanFile(url);
  if (prefetched) return new Blob([await prefetched]);
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`The image could not be fetched (HTTP ${res.status}).`);
  return res.blob();
}

async function decode(url: string): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const bitmap = await createImageBitmap(await fetchBytes(url));
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width: canvas.width, height: canvas.height, rgba: ctx.getImageData(0, 0, canvas.width, canvas.height).data };
}

function buildImage(imageId: string, width: number, height: number, rgba: Uint8ClampedArray): Types.IImage {
  const n = width * height;
  let grey = true;
  for (let i = 0; i < n * 4 && grey; i += 4) grey = rgba[i] === rgba[i + 1] && rgba[i] === rgba[i + 2];
  const comps = grey ? 1 : 3;
  const data = new Uint8Array(n * comps);
  for (let p = 0; p < n; p++) {
    if (grey) data[p] = rgba[p * 4];
    else {
      data[p * 3] = rgba[p * 4];
      data[p * 3 + 1] = rgba[p * 4 + 1];
      data[p * 3 + 2] = rgba[p * 4 + 2];
    }
  }
  let min = 255;
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  const photometricInterpretation = grey ? "MONOCHROME2" : "RGB";
  modules.set(imageId, {
    imagePixelModule: { samplesPerPixel: comps, photometricInterpretation, rows: height, columns: width, bitsAllocated: 8, bitsStored: 8, highBit: 7, pixelRepresentation: 0 },
    imagePlaneModule: {
      rows: height, columns: width, imageOrientationPatient: [1, 0, 0, 0, 1, 0], rowCosines: [1, 0, 0], columnCosines: [0, 1, 0],
      imagePositionPatient: [0, 0, 0], pixelSpacing: [1, 1], rowPixelSpacing: 1, columnPixelSpacing: 1, frameOfReferenceUID: `fcds-web-${imageId}`,
    },
    voiLutModule: { windowCenter: [128], windowWidth: [256] },
    modalityLutModule: { rescaleSlope: 1, rescaleIntercept: 0 },
    generalSeriesModule: { modality: "OT" },
  });
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({ height, width, numberOfComponents: comps, scalarData: data, id: imageId });
  return {
    imageId,
    intercept: 0,
    slope: 1,
    windowCenter: 128,
    windowWidth: 256,
    color: !grey,
    rgba: false,
    numberOfComponents: comps,
    minPixelValue: min,
    maxPixelValue: max,
    rows: height,
    columns: width,
    height,
    width,
    columnPixelSpacing: 1,
    rowPixelSpacing: 1,
    invert: false,
    sizeInBytes: data.byteLength,
    getPixelData: () => voxelManager.getScalarData(),
    getCanvas: undefined,
    voxelManager,
    dataType: "Uint8Array",
    photometricInterpretation,
  } as unknown as Types.IImage;
}

function loadWebImage(imageId: string): Types.IImageLoadObject {
  const url = imageId.slice(WEB_SCHEME.length + 1);
  const promise = decode(url).then(({ width, height, rgba }) => buildImage(imageId, width, height, rgba));
  return { promise } as Types.IImageLoadObject;
}

let registered = false;
export function registerWebImageLoader(): void {
  if (registered) return;
  registered = true;
  imageLoader.registerImageLoader(WEB_SCHEME, loadWebImage as never);
  metaData.addProvider((type: string, imageId: string) => (imageId?.startsWith?.(`${WEB_SCHEME}:`) ? modules.get(imageId)?.[type] : undefined), 10000);
}
