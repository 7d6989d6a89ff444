/**
 * DICOM RLE Lossless (PS3.5 Annex G) — a small PackBits decoder written here on purpose.
 * The only library decoder at hand, @cornerstonejs/dicom-image-loader's decodeRLE, is not in that
 * package's export map and handles neither 32-bit samples nor 16-bit colour (both are in our real
 * test data: RT Dose RLE is 32-bit, SC_rgb_rle_16bit is 16-bit RGB).
 *
 * Segments come one per byte-plane: for each sample, most significant byte first. The result is
 * interleaved samples (the DICOM RLE output is by definition colour-by-plane; we interleave here).
 */
export function decodeRle(
  frame: Uint8Array,
  opts: { rows: number; columns: number; samplesPerPixel: number; bitsAllocated: number },
): Uint8Array | Uint16Array | Uint32Array {
  const { rows, columns, samplesPerPixel: spp, bitsAllocated } = opts;
  if (![8, 16, 32].includes(bitsAllocated)) throw new Error(`RLE with ${bitsAllocated} bits allocated is not supported`);
  const bytesPerSample = bitsAllocated / 8;
  const pixels = rows * columns;
  if (frame.length < 64) throw new Error("RLE header is missing");
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const numSegments = view.getUint32(0, true);
  const expected = spp * bytesPerSample;
  if (numSegments !== expected) throw new Error(`RLE frame has ${numSegments} segments, expected ${expected}`);
  // PackBits expands at most 2 bytes into 128: a segment shorter than 1/64 of its byte plane cannot
  // hold it. Checked before allocating, so a tiny file cannot make us allocate the size it declares.
  for (let s = 0; s < numSegments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const next = s + 1 < numSegments ? view.getUint32(8 + 4 * s, true) : frame.length;
    const length = Math.max(0, Math.min(next === 0 ? frame.length : next, frame.length) - start);
    if (pixels > 64 * length + 128)
      throw new Error(`RLE segment ${s} holds ${length} bytes, too few for the ${columns}×${rows} image its header declares (PackBits needs at least ${Math.ceil((pixels - 128) / 64)})`);
  }

  const out = bitsAllocated === 8 ? new Uint8Array(pixels * spp) : bitsAllocated === 16 ? new Uint16Array(pixels * spp) : new Uint32Array(pixels * spp);
  const plane = new Uint8Array(pixels);
  for (let s = 0; s < numSegments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const next = s + 1 < numSegments ? view.getUint32(8 + 4 * s, true) : frame.length;
    const end = Math.min(next === 0 ? frame.length : next, frame.length);
    if (start < 64 || start > end) throw new Error(`RLE segment ${s} offset ${start} is invalid`);
    plane.fill(0);
    unpackBits(frame, start, end, plane);
    const sample = Math.floor(s / bytesPerSample);
    const shift = 8 * (bytesPerSample - 1 - (s % bytesPerSample));
    for (let i = 0, o = sample; i < pixels; i++, o += spp) out[o] += plane[i] * 2 ** shift;
  }
  return out;
}

/** PackBits into `dst` (stops at segment end or when `dst` is full: corrupt input cannot overrun or loop). */
function unpackBits(src: Uint8Array, start: number, end: number, dst: Uint8Array): void {
  let i = start;
  let o = 0;
  while (i < end && o < dst.length) {
    const n = src[i++];
    if (n < 128) {
      const count = Math.min(n + 1, end - i, dst.length - o);
      dst.set(src.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n > 128) {
      const count = Math.min(257 - n, dst.length - o);
      if (i < end) dst.fill(src[i], o, o + count);
      i += 1;
      o += count;
    } // n === 128: no-op
  }
}
