/**
 * The image size a JPEG 2000 stream declares, read from its SIZ marker segment (ITU T.800 A.5.1)
 * without decoding: width = Xsiz − XOsiz, height = Ysiz − YOsiz. Accepts a raw codestream (SOC
 * FF4F, SIZ FF51) or a JP2 file, whose codestream sits in the 'jp2c' box.
 */
export function readJ2kSize(b: Uint8Array): { width: number; height: number } | undefined {
  const start = codestreamStart(b);
  if (start === undefined || start + 4 + 2 + 2 + 16 > b.length) return undefined;
  if (b[start] !== 0xff || b[start + 1] !== 0x4f || b[start + 2] !== 0xff || b[start + 3] !== 0x51) return undefined;
  const v = new DataView(b.buffer, b.byteOffset + start + 4);
  // Lsiz (2), Rsiz (2), Xsiz, Ysiz, XOsiz, YOsiz (4 each)
  const xsiz = v.getUint32(4);
  const ysiz = v.getUint32(8);
  const xo = v.getUint32(12);
  const yo = v.getUint32(16);
  if (xo > xsiz || yo > ysiz) return undefined;
  return { width: xsiz - xo, height: ysiz - yo };
}

const JP2C = 0x6a703263; // 'jp2c'

function codestreamStart(b: Uint8Array): number | undefined {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0x4f) return 0;
  // JP2: a sequence of boxes (LBox, TBox[, XLBox]); the signature box comes first.
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  while (at + 8 <= b.length) {
    let len = v.getUint32(at);
    const type = v.getUint32(at + 4);
    let header = 8;
    if (len === 1) {
      if (at + 16 > b.length) return undefined;
      len = Number(v.getBigUint64(at + 8));
      header = 16;
    } else if (len === 0) len = b.length - at;
    if (type === JP2C) return at + header;
    if (len < header) return undefined;
    at += len;
  }
  return undefined;
}
