import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeFrame } from "./decode";
import { DicomError } from "./errors";
import { decodePngOrJpeg, sniffContentType } from "./image";
import { parseDicom } from "./parse";
import { maxAbsDiff, readTestFile } from "@/test/support/dicom-files";

function png(width: number, height: number, colorType: 0 | 2, fill: (x: number, y: number) => [number, number, number]): Uint8Array {
  const img = new PNG({ width, height, colorType, inputColorType: 2, inputHasAlpha: false } as never);
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(fill(x, y), (y * width + x) * 3);
  img.data = rgb;
  return new Uint8Array(PNG.sync.write(img, { colorType, inputColorType: 2, inputHasAlpha: false } as never));
}

/** A real JPEG stream: the encapsulated frame of a JPEG-baseline DICOM from pydicom. */
function jpegFromDicom(name: string): { jpeg: Uint8Array; dicom: Uint8Array } {
  const dicom = readTestFile(name);
  const el = parseDicom(dicom).dataSet.elements.x7fe00010;
  const f = el.fragments![0];
  return { jpeg: dicom.slice(f.position, f.position + f.length), dicom };
}

describe("sniffContentType", () => {
  it("recognises DICOM, PNG and JPEG by magic bytes", () => {
    expect(sniffContentType(readTestFile("CT_small.dcm"))).toBe("application/dicom");
    expect(sniffContentType(readTestFile("CT_small.dcm").subarray(128))).toBe("application/dicom");
    expect(sniffContentType(png(2, 2, 2, () => [1, 2, 3]))).toBe("image/png");
    expect(sniffContentType(jpegFromDicom("SC_rgb_jpeg_dcmtk.dcm").jpeg)).toBe("image/jpeg");
    expect(sniffContentType(new TextEncoder().encode("%PDF-1.7 hello"))).toBeNull();
    expect(sniffContentType(new Uint8Array(0))).toBeNull();
  });
});

describe("decodePngOrJpeg", () => {
  it("decodes an RGB PNG to interleaved RGB", async () => {
    const f = await decodePngOrJpeg(png(4, 3, 2, (x, y) => [x * 60, y * 100, 7]), "image/png");
    expect([f.rows, f.columns, f.samplesPerPixel, f.photometricInterpretation]).toEqual([3, 4, 3, "RGB"]);
    expect(Array.from(f.data.subarray((2 * 4 + 3) * 3, (2 * 4 + 3) * 3 + 3))).toEqual([180, 200, 7]);
  });

  it("decodes a greyscale PNG to one sample per pixel", async () => {
    const f = await decodePngOrJpeg(png(5, 5, 0, (x) => [x * 50, x * 50, x * 50]), "image/png");
    expect([f.samplesPerPixel, f.photometricInterpretation, f.min, f.max]).toEqual([1, "MONOCHROME2", 0, 200]);
  });

  it("decodes a real JPEG to the same pixels as the DICOM that carries it", async () => {
    const { jpeg, dicom } = jpegFromDicom("SC_rgb_jpeg_dcmtk.dcm");
    const f = await decodePngOrJpeg(jpeg, "image/jpeg");
    const ref = await decodeFrame(parseDicom(dicom));
    expect([f.rows, f.columns, f.samplesPerPixel]).toEqual([100, 100, 3]);
    expect(maxAbsDiff(f.data, ref.data)).toBe(0);
  });

  it("rejects mismatched or corrupt images with a DicomError", async () => {
    const good = png(4, 4, 2, () => [1, 2, 3]);
    await expect(decodePngOrJpeg(good, "image/jpeg")).rejects.toMatchObject({ code: "unsupported_image" });
    await expect(decodePngOrJpeg(good, "image/gif")).rejects.toMatchObject({ code: "unsupported_image" });
    const broken = good.slice(0, 40);
    await expect(decodePngOrJpeg(broken, "image/png")).rejects.toBeInstanceOf(DicomError);
    await expect(decodePngOrJpeg(broken, "image/png")).rejects.toMatchObject({ code: "decode_failed" });
    const { jpeg } = jpegFromDicom("SC_rgb_jpeg_dcmtk.dcm");
    await expect(decodePngOrJpeg(jpeg.slice(0, 200), "image/jpeg")).rejects.toMatchObject({ code: "decode_failed" });
  });
});
