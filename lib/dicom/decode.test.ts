import { describe, expect, it } from "vitest";
import { decodeFrame, frameCount } from "./decode";
import { DicomError } from "./errors";
import { parseDicom, type ParsedDicom } from "./parse";
import { transferSyntaxInfo } from "./transfer-syntax";
import { decodeTestFile, maxAbsDiff, meanAbsDiff, parseTestFile, readTestFile, rgbAt } from "@/test/support/dicom-files";

async function expectDecodeError(p: Promise<unknown>, code: string): Promise<DicomError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DicomError);
    expect((e as DicomError).code).toBe(code);
    return e as DicomError;
  }
  throw new Error(`expected DicomError ${code}`);
}

describe("MR_small: every encoding decodes to the same pixels as the uncompressed original", () => {
  const twins = [
    "MR_small_implicit.dcm", // implicit VR LE
    "MR_small_bigendian.dcm", // explicit VR BE
    "MR_small_expb.dcm", // explicit VR BE (dcmconv)
    "MR_small_padded.dcm", // trailing padding
    "MR_small_RLE.dcm", // RLE lossless
    "MR_small_jpeg_ls_lossless.dcm", // JPEG-LS lossless (CharLS)
    "MR_small_jp2klossless.dcm", // JPEG 2000 lossless (OpenJPEG)
  ];
  it.each(twins)("%s", async (name) => {
    const ref = await decodeTestFile("MR_small.dcm");
    const got = await decodeTestFile(name);
    expect([got.rows, got.columns, got.samplesPerPixel]).toEqual([64, 64, 1]);
    expect(maxAbsDiff(got.data, ref.data)).toBe(0);
  });

  it("the reference itself is a signed 16-bit MR with a sensible range", async () => {
    const ref = await decodeTestFile("MR_small.dcm");
    expect(ref.photometricInterpretation).toBe("MONOCHROME2");
    expect(ref.monochrome1).toBe(false);
    expect(ref.min).toBe(127);
    expect(ref.max).toBe(2145);
  });
});

describe("CT modality values", () => {
  it("CT_small: stored values × slope + intercept, in Hounsfield units", async () => {
    const parsed = parseTestFile("CT_small.dcm");
    const frame = await decodeFrame(parsed);
    // Independent check of one pixel straight from the file bytes (signed 16-bit LE, intercept −1024).
    const el = parsed.dataSet.elements.x7fe00010;
    const bytes = parsed.dataSet.byteArray;
    const idx = 64 * 128 + 64;
    const stored = new DataView(bytes.buffer, bytes.byteOffset + el.dataOffset).getInt16(idx * 2, true);
    expect(frame.data[idx]).toBe(stored * 1 - 1024);
    expect(frame.min).toBeGreaterThanOrEqual(-1100);
    expect(frame.max).toBeLessThan(3100);
    expect(frame.max - frame.min).toBeGreaterThan(1000);
  });

  it.each(["693_J2KI.dcm", "J2K_pixelrep_mismatch.dcm"])("%s (512² CT, JPEG 2000): plausible HU", async (name) => {
    const f = await decodeTestFile(name);
    expect([f.rows, f.columns]).toEqual([512, 512]);
    expect(f.min).toBeGreaterThanOrEqual(-4096);
    expect(f.max).toBeLessThan(4096);
    // Most of a head CT is air (≈ −1000) or soft tissue (≈ 0–100).
    let plausible = 0;
    for (const v of f.data) if ((v > -1100 && v < -900) || (v > -200 && v < 200)) plausible++;
    expect(plausible / f.data.length).toBeGreaterThan(0.6);
  });
});

describe("JPEG family", () => {
  it("12-bit JPEG Extended (JPGExtended) matches its lossy twin and the JPEG 2000 version of the same image", async () => {
    const ext = await decodeTestFile("JPGExtended.dcm");
    const lossy = await decodeTestFile("JPEG-lossy.dcm");
    expect(maxAbsDiff(ext.data, lossy.data)).toBe(0);
    expect(ext.max).toBeLessThan(4096);
    const j2k = await decodeTestFile("JPEG2000.dcm");
    expect(correlation(ext.data, j2k.data)).toBeGreaterThan(0.95);
  });

  it("RGB bands of SC_rgb (RLE) are exactly pydicom's expected colours", async () => {
    const f = await decodeTestFile("SC_rgb_rle.dcm");
    const expected: Record<number, number[]> = {
      5: [255, 0, 0], 15: [255, 128, 128], 25: [0, 255, 0], 35: [128, 255, 128], 45: [0, 0, 255],
      55: [128, 128, 255], 65: [0, 0, 0], 75: [64, 64, 64], 85: [192, 192, 192], 95: [255, 255, 255],
    };
    for (const [row, rgb] of Object.entries(expected)) expect(rgbAt(f, Number(row), 50)).toEqual(rgb);
  });

  it.each([
    "SC_rgb_rle_16bit.dcm", // RLE, 16-bit samples (scaled to 0–255)
    "SC_rgb_rle_32bit.dcm", // RLE, 32-bit samples
    "SC_rgb_jpeg_gdcm.dcm", // JPEG Lossless SV1 (1.2.840.10008.1.2.4.70)
    "SC_rgb_gdcm_KY.dcm", // JPEG 2000
  ])("lossless colour %s equals the RLE original exactly", async (name) => {
    const ref = await decodeTestFile("SC_rgb_rle.dcm");
    const got = await decodeTestFile(name);
    expect(got.photometricInterpretation).toBe("RGB");
    expect(maxAbsDiff(got.data, ref.data)).toBe(0);
  });

  it.each([
    ["SC_ybr_full_422_uncompressed.dcm", "YBR_FULL_422"], // native 4:2:2, upsampled + converted here
    ["SC_rgb_dcmtk_+eb+cr.dcm", "RGB"], // JPEG baseline, RGB without colour transform
    ["SC_rgb_dcmtk_+eb+cy+n1.dcm", "YBR_FULL"],
    ["SC_rgb_dcmtk_+eb+cy+n2.dcm", "YBR_FULL"],
    ["SC_rgb_dcmtk_+eb+cy+np.dcm", "YBR_FULL_422"],
    ["SC_rgb_dcmtk_+eb+cy+s2.dcm", "YBR_FULL_422"],
    ["SC_rgb_dcmtk_+eb+cy+s4.dcm", "YBR_FULL"],
    ["SC_rgb_jpeg_dcmtk.dcm", "YBR_FULL"],
    ["SC_rgb_jpeg_lossy_gdcm.dcm", "RGB"],
  ])("lossy / YBR colour %s (%s) is close to the original, colour bands right", async (name, source) => {
    const ref = await decodeTestFile("SC_rgb_rle.dcm");
    const got = await decodeTestFile(name);
    expect(got.sourcePhotometricInterpretation).toBe(source);
    expect(got.photometricInterpretation).toBe("RGB");
    expect(meanAbsDiff(got.data, ref.data)).toBeLessThan(4);
    for (const row of [5, 25, 45, 65, 95]) {
      const a = rgbAt(got, row, 50);
      const b = rgbAt(ref, row, 50);
      for (let c = 0; c < 3; c++) expect(Math.abs(a[c] - b[c])).toBeLessThanOrEqual(8);
    }
  });

  it("odd-sized (3×3) RGB: JPEG baseline twin within JPEG error", async () => {
    const ref = await decodeTestFile("SC_rgb_small_odd.dcm");
    const jpg = await decodeTestFile("SC_rgb_small_odd_jpeg.dcm");
    expect(rgbAt(ref, 1, 1)).toEqual([63, 87, 176]);
    expect(maxAbsDiff(jpg.data, ref.data)).toBeLessThanOrEqual(6);
  });

  it("explicit big-endian RGB (ExplVR_BigEnd) decodes to 60×80 RGB", async () => {
    const f = await decodeTestFile("ExplVR_BigEnd.dcm");
    expect([f.rows, f.columns, f.samplesPerPixel, f.data.length]).toEqual([60, 80, 3, 60 * 80 * 3]);
    expect(f.max).toBeLessThanOrEqual(255);
  });

  it("deflated (image_dfl) decodes to 8-bit greys", async () => {
    const f = await decodeTestFile("image_dfl.dcm");
    expect([f.rows, f.columns, f.min, f.max]).toEqual([512, 512, 0, 255]);
  });

  it("1-bit segmentation (liver SEG) unpacks to 0/1, same in LE and BE", async () => {
    const le = await decodeTestFile("liver_1frame.dcm");
    const be = await decodeTestFile("liver_expb_1frame.dcm");
    expect([le.min, le.max]).toEqual([0, 1]);
    expect(maxAbsDiff(le.data, be.data)).toBe(0);
    const ones = le.data.reduce((n, v) => n + v, 0);
    expect(ones).toBeGreaterThan(100);
    expect(ones).toBeLessThan(le.data.length / 2);
  });
});

describe("multi-frame", () => {
  it("rtdose: 15 distinct frames, identical across implicit LE, explicit BE and RLE", async () => {
    const parsed = parseTestFile("rtdose.dcm");
    expect(frameCount(parsed)).toBe(15);
    const be = parseTestFile("rtdose_expb.dcm");
    const rle = parseTestFile("rtdose_rle.dcm");
    const seen = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const f = await decodeFrame(parsed, i);
      expect(maxAbsDiff((await decodeFrame(be, i)).data, f.data)).toBe(0);
      expect(maxAbsDiff((await decodeFrame(rle, i)).data, f.data)).toBe(0);
      seen.add(Array.from(f.data).join(","));
    }
    expect(seen.size).toBe(15);
    await expectDecodeError(decodeFrame(parsed, 15), "frame_out_of_range");
    await expectDecodeError(decodeFrame(parsed, -1), "frame_out_of_range");
  });

  it("SC_rgb_rle_2frame: the second frame is the colour inverse of the first", async () => {
    for (const name of ["SC_rgb_rle_2frame.dcm", "SC_rgb_rle_16bit_2frame.dcm", "SC_rgb_rle_32bit_2frame.dcm"]) {
      const a = await decodeTestFile(name, 0);
      const b = await decodeTestFile(name, 1);
      expect(rgbAt(a, 5, 50)).toEqual([255, 0, 0]);
      expect(rgbAt(b, 5, 50)).toEqual([0, 255, 255]);
      for (let i = 0; i < a.data.length; i += 97) expect(a.data[i] + b.data[i]).toBe(255);
    }
  });
});

describe("errors", () => {
  it("no pixel data → no_pixel_data", async () => {
    await expectDecodeError(decodeTestFile("rtplan.dcm"), "no_pixel_data");
    expect(frameCount(parseTestFile("rtplan.dcm"))).toBe(0);
  });

  it.each(["1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.112", "1.2.840.10008.1.2.4.102", "1.2.3.4.5.99"])(
    "transfer syntax %s → unsupported_transfer_syntax",
    async (uid) => {
      const parsed = parseTestFile("MR_small_jp2klossless.dcm");
      const other: ParsedDicom = { ...parsed, transferSyntax: transferSyntaxInfo(uid) };
      await expectDecodeError(decodeFrame(other), "unsupported_transfer_syntax");
    },
  );

  it("JPEG 2000 with a sequence delimiter inside the codestream → decode_failed", async () => {
    await expectDecodeError(decodeTestFile("JPEG2000-embedded-sequence-delimiter.dcm"), "decode_failed");
  });

  it.each([
    "MR_small_RLE.dcm",
    "MR_small_jpeg_ls_lossless.dcm",
    "MR_small_jp2klossless.dcm",
    "JPGExtended.dcm",
    "SC_rgb_jpeg_gdcm.dcm",
    "SC_rgb_dcmtk_+eb+cy+n1.dcm",
  ])("corrupt compressed data in %s never crashes or hangs (decodes or decode_failed)", async (name) => {
    const bytes = readTestFile(name);
    const el = parseDicom(bytes).dataSet.elements.x7fe00010;
    const frag = el.fragments![0];
    let seed = 7;
    for (let i = frag.position + Math.floor(frag.length / 4); i < frag.position + frag.length; i += 3) {
      bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    }
    try {
      const f = await decodeFrame(parseDicom(bytes));
      expect(f.data.length).toBeGreaterThan(0);
    } catch (e) {
      expect(e).toBeInstanceOf(DicomError);
      expect((e as DicomError).code).toBe("decode_failed");
    }
    // The codec still works afterwards.
    const ok = await decodeTestFile(name);
    expect(ok.data.length).toBeGreaterThan(0);
  });

  it("native pixel data cut short → truncated", async () => {
    const parsed = parseTestFile("MR_small.dcm");
    const el = parsed.dataSet.elements.x7fe00010;
    const shortened: ParsedDicom = { ...parsed, dataSet: { ...parsed.dataSet, elements: { ...parsed.dataSet.elements, x7fe00010: { ...el, length: el.length - 100 } } } as never };
    await expectDecodeError(decodeFrame(shortened), "truncated");
  });
});

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
