import { describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import { decodeFrame } from "./decode";
import { DicomError } from "./errors";
import { parseDicom } from "./parse";
import { downscale, previewPng, renderPreview, type PreviewImage } from "./preview";
import { applyWindow, defaultWindow } from "./window";
import { parseTestFile, readTestFile } from "@/test/support/dicom-files";

/** Luminance statistics of a preview: what decides whether a thumbnail looks black. */
function lumaStats(img: Pick<PreviewImage, "width" | "height" | "channels" | "data">) {
  const n = img.width * img.height;
  const levels = new Set<number>();
  let sum = 0;
  let sq = 0;
  let lit = 0;
  for (let p = 0; p < n; p++) {
    const i = p * img.channels;
    const y = img.channels === 1 ? img.data[i] : Math.round(0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2]);
    levels.add(y);
    sum += y;
    sq += y * y;
    if (y > 8) lit++;
  }
  const mean = sum / n;
  return { levels: levels.size, mean, sd: Math.sqrt(Math.max(0, sq / n - mean * mean)), litFraction: lit / n };
}

/**
 * pydicom files covering what the thumbnail strip meets: every seeded workspace scan plus the ones
 * Cornerstone's canvas thumbnails drew black or wrong (native YBR_FULL_422, a 3×3 RGB image, a
 * 1-bit segmentation, 16/32-bit RGB RLE, a deflated dataset, a J2K whose pixel representation
 * disagrees with its header), signed / 12-bit / 14-bit monochrome and NM without a window.
 */
const FIXTURES = [
  "CT_small.dcm", // CT, signed 16-bit, no window → min–max
  "MR_small.dcm", // MR, file window 600/1600
  "MR_small_implicit.dcm",
  "MR_small_bigendian.dcm",
  "MR_small_RLE.dcm",
  "MR_small_jpeg_ls_lossless.dcm",
  "MR_small_jp2klossless.dcm",
  "JPGExtended.dcm", // NM, 12-bit lossy JPEG, no window
  "JPEG2000.dcm", // NM, signed, J2K lossy
  "693_J2KI.dcm", // CT, 14-bit J2K, window 40/100
  "J2K_pixelrep_mismatch.dcm",
  "SC_rgb_rle_2frame.dcm", // colour, 2 frames
  "SC_rgb_jpeg_dcmtk.dcm", // colour JPEG baseline, YBR_FULL
  "SC_ybr_full_422_uncompressed.dcm",
  "SC_rgb_small_odd.dcm", // 3×3
  "SC_rgb_rle_16bit.dcm",
  "SC_rgb_rle_32bit.dcm",
  "image_dfl.dcm", // deflated explicit LE
  "liver_1frame.dcm", // SEG, 1 bit allocated
  "ExplVR_BigEnd.dcm", // US RGB, big endian
  "rtdose.dcm", // 32-bit dose grid
];

describe("renderPreview on real DICOM files: no black thumbnails", () => {
  for (const name of FIXTURES) {
    it(`${name}: a picture with contrast, not a uniform (black) square`, async () => {
      const img = await renderPreview(parseTestFile(name), { maxSize: 128 });
      expect(Math.max(img.width, img.height)).toBeLessThanOrEqual(128);
      expect(img.data.length).toBe(img.width * img.height * img.channels);
      const s = lumaStats(img);
      expect(s.litFraction, "share of pixels brighter than near-black").toBeGreaterThan(0.1);
      expect(s.levels, "distinct grey levels").toBeGreaterThanOrEqual(2);
      expect(s.sd, "contrast (standard deviation of luminance)").toBeGreaterThan(10);
      // and the PNG the route sends decodes to the same picture
      const png = PNG.sync.read(previewPng(img));
      expect([png.width, png.height]).toEqual([img.width, img.height]);
      const back = new Uint8Array(img.width * img.height * img.channels);
      for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < img.channels; c++) back[p * img.channels + c] = png.data[p * 4 + c];
      expect(back).toEqual(img.data);
    });
  }

  it("a colour scan keeps its colours (SC_rgb_rle_2frame: red, green and blue bars)", async () => {
    const img = await renderPreview(parseTestFile("SC_rgb_rle_2frame.dcm"));
    expect(img.channels).toBe(3);
    expect(img.window).toBeNull();
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    expect(px(50, 5)).toEqual([255, 0, 0]);
    expect(px(50, 25)).toEqual([0, 255, 0]);
    expect(px(50, 45)).toEqual([0, 0, 255]);
  });
});

describe("renderPreview shows what the viewer opens with", () => {
  it("full size: exactly the DICOM linear window of the file's own Window Center/Width (MR_small 600/1600)", async () => {
    const parsed = parseTestFile("MR_small.dcm");
    const frame = await decodeFrame(parsed);
    const img = await renderPreview(parsed, { maxSize: 512 });
    expect([img.width, img.height, img.channels]).toEqual([64, 64, 1]);
    expect(img.window).toEqual({ center: 600, width: 1600, source: "header" });
    expect(img.data).toEqual(new Uint8Array(applyWindow(frame.data, 600, 1600).buffer));
  });

  it("without a window in the file: CT soft tissue (CT_small), else the frame's robust range (JPGExtended 12-bit)", async () => {
    const ct = await renderPreview(parseTestFile("CT_small.dcm"));
    expect(ct.window).toEqual({ center: 40, width: 400, source: "modality" });
    const parsed = parseTestFile("JPGExtended.dcm");
    const frame = await decodeFrame(parsed);
    const nm = await renderPreview(parsed, { maxSize: 1024 });
    expect(nm.window).toEqual(defaultWindow(parsed, frame));
    // the brightest pixel is white, the darkest black: the 12-bit range is not shown as near-black
    expect(nm.data.reduce((a, b) => Math.max(a, b), 0)).toBe(255);
    expect(nm.data.reduce((a, b) => Math.min(a, b), 255)).toBe(0);
  });

  it("MONOCHROME1 is shown inverted (white = low values)", async () => {
    const parsed = parseTestFile("MR_small.dcm");
    parsed.metadata.photometricInterpretation = "MONOCHROME1";
    const frame = await decodeFrame(parsed);
    expect(frame.monochrome1).toBe(true);
    const inv = await renderPreview(parsed);
    const plain = applyWindow(frame.data, 600, 1600);
    expect(Array.from(inv.data.subarray(0, 64))).toEqual(Array.from(plain.subarray(0, 64), (v) => 255 - v));
  });

  it("a scan whose pixel data cannot be decoded is an error, not a black picture", async () => {
    // MR_small_jp2klossless.dcm with its JPEG 2000 start-of-codestream and SIZ markers wiped, as a
    // damaged archive copy is (the seeded DEMO-000001 scan whose Cornerstone thumbnail was black)
    const bytes = readTestFile("MR_small_jp2klossless.dcm");
    let at = -1;
    for (let i = 0; i + 3 < bytes.length && at < 0; i++) if (bytes[i] === 0xff && bytes[i + 1] === 0x4f && bytes[i + 2] === 0xff && bytes[i + 3] === 0x51) at = i;
    expect(at).toBeGreaterThan(0);
    bytes.fill(0, at, at + 64);
    await expect(renderPreview(parseDicom(bytes))).rejects.toBeInstanceOf(DicomError);
  });
});

describe("downscale", () => {
  it("fits the longest side, keeps the aspect ratio and never enlarges", () => {
    expect(downscale(new Uint8Array(1024 * 256), 256, 1024, 1, 128)).toMatchObject({ width: 32, height: 128 });
    const small = new Uint8Array(3 * 3 * 3).fill(7);
    expect(downscale(small, 3, 3, 3, 128)).toEqual({ width: 3, height: 3, data: small });
  });

  it("averages: a one-pixel bright line stays visible at a quarter of the size (picking every 4th pixel would lose it)", () => {
    const w = 64;
    const src = new Uint8Array(w * w);
    for (let y = 0; y < w; y++) src[y * w + 33] = 255; // column 33: not a multiple of 4
    const out = downscale(src, w, w, 1, 16);
    expect(out.width).toBe(16);
    const col = Array.from({ length: 16 }, (_, y) => out.data[y * 16 + 8]);
    expect(col.every((v) => v === 64)).toBe(true); // 255 / 4, rounded
    expect(out.data.reduce((a, b) => a + b, 0)).toBe(64 * 16);
  });
});
