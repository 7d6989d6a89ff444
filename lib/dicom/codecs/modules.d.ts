// Ambient typings for codec entry points that ship none (or whose export map hides them).
declare module "@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs" {
  const factory: (opts: Record<string, unknown>) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module "@cornerstonejs/codec-charls/decodewasmjs" {
  const factory: (opts: Record<string, unknown>) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module "@cornerstonejs/codec-openjpeg/decodewasmjs" {
  const factory: (opts: Record<string, unknown>) => Promise<Record<string, unknown>>;
  export default factory;
}
declare module "jpeg-lossless-decoder-js" {
  export class Decoder {
    decode(buffer: ArrayBufferLike, offset?: number, length?: number, numBytes?: number): ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  }
}
