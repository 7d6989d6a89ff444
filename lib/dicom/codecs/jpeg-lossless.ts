import { Decoder } from "jpeg-lossless-decoder-js";
import type { CodecOutput } from "./wasm";
import { readJpegFrameHeader } from "./jpeg-header";

/** JPEG Lossless Process 14 (any predictor, incl. SV1) with jpeg-lossless-decoder-js (pure JS). */
export function decodeJpegLossless(encoded: Uint8Array): CodecOutput {
  const header = readJpegFrameHeader(encoded);
  if (!header) throw new Error("no JPEG frame header (SOF) found");
  const bytesPerSample = header.precision > 8 ? 2 : 1;
  const copy = encoded.slice();
  const out = new Decoder().decode(copy.buffer, copy.byteOffset, copy.byteLength, bytesPerSample) as ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  const expected = header.width * header.height * header.components;
  const samples =
    bytesPerSample === 2
      ? new Uint16Array(out.buffer.slice(out.byteOffset, out.byteOffset + expected * 2))
      : new Uint8Array(out.buffer.slice(out.byteOffset, out.byteOffset + expected));
  if (samples.length < expected) throw new Error("JPEG lossless stream produced fewer samples than its header declares");
  return { width: header.width, height: header.height, components: header.components, bitsPerSample: header.precision, samples };
}
