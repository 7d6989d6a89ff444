import { runEmbindDecoder, WasmCodec, type CodecOutput } from "./wasm";

/** JPEG-LS lossless and near-lossless with CharLS (WASM, @cornerstonejs/codec-charls). */
const codec = new WasmCodec(() => import("@cornerstonejs/codec-charls/decodewasmjs") as never, "@cornerstonejs/codec-charls/decodewasm");

export function decodeJpegLs(encoded: Uint8Array): Promise<CodecOutput> {
  return runEmbindDecoder(codec, "JpegLSDecoder", encoded);
}
