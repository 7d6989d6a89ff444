import { nodeRequire } from "@/lib/platform/node-require";
import { pathToFileURL } from "node:url";
import path from "node:path";
import type { CodecOutput } from "./wasm";

/**
 * 12-bit JPEG (Extended, Process 4) — libjpeg-turbo's WASM build is 8-bit only, so we use the
 * pure-JS DCT decoder (a pdf.js port with 16-bit output) that ships inside
 * @cornerstonejs/dicom-image-loader as dist/esm/codecs/jpeg.js. The package's export map does not
 * list that file, so it is located through the exported package.json.
 */
interface JpegImage {
  parse(data: Uint8Array): void;
  colorTransform?: boolean;
  width: number;
  height: number;
  components: unknown[];
  getData16(width: number, height: number): Uint16Array;
}

let ctor: Promise<new () => JpegImage> | undefined;

function loadJpegImage(): Promise<new () => JpegImage> {
  if (!ctor) {
    const require = nodeRequire();
    const pkg = require.resolve("@cornerstonejs/dicom-image-loader/package.json");
    const file = path.join(path.dirname(pkg), "dist", "esm", "codecs", "jpeg.js");
    ctor = import(/* webpackIgnore: true */ /* @vite-ignore */ pathToFileURL(file).href).then((m: { default: new () => JpegImage }) => m.default);
    ctor.catch(() => (ctor = undefined));
  }
  return ctor;
}

export async function decodeJpeg12(encoded: Uint8Array, precision: number): Promise<CodecOutput> {
  const JpegImage = await loadJpegImage();
  const jpeg = new JpegImage();
  jpeg.parse(encoded);
  jpeg.colorTransform = false;
  const samples = jpeg.getData16(jpeg.width, jpeg.height);
  return { width: jpeg.width, height: jpeg.height, components: jpeg.components.length, bitsPerSample: precision, samples };
}
