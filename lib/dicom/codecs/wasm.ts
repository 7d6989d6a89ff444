import { readFile } from "node:fs/promises";
import { nodeRequire } from "@/lib/platform/node-require";

/**
 * Loading the Cornerstone Emscripten codecs in Node: their factories accept `wasmBinary`, so we
 * read the .wasm through the package's own export map instead of letting Emscripten fetch() a URL
 * (which fails in Node). One instance per codec, created lazily; a failed or aborted instance is
 * dropped so the next call starts a fresh one (an Emscripten abort leaves a module unusable).
 */
const require = nodeRequire();

/** The embind decoder object shared by libjpeg-turbo, CharLS and OpenJPEG builds. */
export interface EmbindDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean };
  delete(): void;
}

export interface CodecModule {
  [ctor: string]: unknown;
}

type Factory = (opts: Record<string, unknown>) => Promise<CodecModule>;

export class WasmCodec {
  private instance?: Promise<CodecModule>;

  constructor(
    private readonly load: () => Promise<{ default: Factory }>,
    private readonly wasmExport: string,
  ) {}

  get(): Promise<CodecModule> {
    if (!this.instance) {
      this.instance = (async () => {
        const [{ default: factory }, wasmBinary] = await Promise.all([this.load(), readFile(require.resolve(this.wasmExport))]);
        return factory({ wasmBinary, print: () => {}, printErr: () => {} });
      })();
      this.instance.catch(() => this.reset());
    }
    return this.instance;
  }

  reset(): void {
    this.instance = undefined;
  }
}

export interface CodecOutput {
  width: number;
  height: number;
  components: number;
  bitsPerSample: number;
  /** Samples, interleaved when components > 1. Copied out of WASM memory. */
  samples: Uint8Array | Uint16Array;
}

/** Run one embind decoder over `encoded`; always frees the decoder. */
export async function runEmbindDecoder(codec: WasmCodec, ctorName: string, encoded: Uint8Array): Promise<CodecOutput> {
  const mod = await codec.get();
  const Ctor = mod[ctorName] as new () => EmbindDecoder;
  const decoder = new Ctor();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const out = decoder.getDecodedBuffer();
    const bytes = new Uint8Array(out.length);
    bytes.set(out);
    const samples = info.bitsPerSample > 8 ? new Uint16Array(bytes.buffer, 0, bytes.length >> 1) : bytes;
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: info.bitsPerSample, samples };
  } catch (e) {
    // A WASM abort (RuntimeError) poisons the module; start afresh next time.
    if (e instanceof WebAssembly.RuntimeError) codec.reset();
    throw e;
  } finally {
    try {
      decoder.delete();
    } catch {
      codec.reset();
    }
  }
}
