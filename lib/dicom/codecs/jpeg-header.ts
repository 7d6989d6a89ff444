/** Reads the SOF segment of a JPEG (or JPEG-LS) stream: sample precision, size and component count. */
export interface JpegFrameHeader {
  sof: number;
  precision: number;
  height: number;
  width: number;
  components: number;
}

// SOF0–SOF15 (ITU T.81) and SOF55 (0xF7, JPEG-LS, ITU T.87): the same P, Y, X, Nf layout.
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf, 0xf7]);

export function readJpegFrameHeader(b: Uint8Array): JpegFrameHeader | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    const len = (b[i + 2] << 8) | b[i + 3];
    if (SOF_MARKERS.has(marker)) {
      if (i + 10 > b.length) return undefined;
      return { sof: marker, precision: b[i + 4], height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8], components: b[i + 9] };
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    i += 2 + len;
  }
  return undefined;
}
