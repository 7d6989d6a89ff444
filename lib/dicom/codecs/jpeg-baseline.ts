import { runEmbindDecoder, WasmCodec, type CodecOutput } from "./wasm";

/** 8-bit JPEG (baseline, and 8-bit extended) with libjpeg-turbo (WASM, @cornerstonejs/codec-libjpeg-turbo-8bit). */
const codec = new WasmCodec(
  () => import("@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs") as never,
  "@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm",
);

/**
 * libjpeg-turbo converts YCbCr to RGB itself, following the JFIF / Adobe APP14 markers, so colour
 * output is RGB whatever the DICOM Photometric Interpretation says (YBR_FULL, YBR_FULL_422).
 */
export function decodeJpeg8(encoded: Uint8Array): Promise<CodecOutput> {
  return runEmbindDecoder(codec, "JPEGDecoder", encoded);
}
