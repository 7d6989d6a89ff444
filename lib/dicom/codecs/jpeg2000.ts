import { runEmbindDecoder, WasmCodec, type CodecOutput } from "./wasm";

/**
 * JPEG 2000 (lossless and lossy, Part 1) with OpenJPEG (WASM, @cornerstonejs/codec-openjpeg).
 * OpenJPEG undoes the multi-component transform (YBR_RCT / YBR_ICT), so colour output is RGB.
 */
const codec = new WasmCodec(() => import("@cornerstonejs/codec-openjpeg/decodewasmjs") as never, "@cornerstonejs/codec-openjpeg/decodewasm");

export function decodeJpeg2000(encoded: Uint8Array): Promise<CodecOutput> {
  return runEmbindDecoder(codec, "J2KDecoder", encoded);
}
