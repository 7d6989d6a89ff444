import { deflateRawSync, constants as zc } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DicomError } from "./errors";
import { parseDicom } from "./parse";
import { buildPart10, concat, parseTestFile, readTestFile } from "@/test/support/dicom-files";

function expectDicomError(fn: () => unknown, code: string): DicomError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DicomError);
    expect((e as DicomError).code).toBe(code);
    expect((e as DicomError).message.length).toBeGreaterThan(10);
    return e as DicomError;
  }
  throw new Error(`expected DicomError ${code}`);
}

describe("parseDicom on real files", () => {
  it("reads CT_small metadata (explicit VR LE)", () => {
    const { metadata: m, tags } = parseTestFile("CT_small.dcm");
    expect(m).toMatchObject({
      modality: "CT",
      patientName: "CompressedSamples, CT1",
      patientId: "1CT1",
      studyDate: "2004-01-19",
      rows: 128,
      columns: 128,
      numberOfFrames: 1,
      samplesPerPixel: 1,
      photometricInterpretation: "MONOCHROME2",
      bitsAllocated: 16,
      bitsStored: 16,
      highBit: 15,
      pixelRepresentation: 1,
      rescaleSlope: 1,
      rescaleIntercept: -1024,
      transferSyntaxUid: "1.2.840.10008.1.2.1",
      transferSyntaxName: "Explicit VR Little Endian",
      hasPixelData: true,
      hasFileMeta: true,
    });
    expect(m.sopInstanceUid).toBe("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322");
    expect(m.pixelSpacing).toEqual([0.661468, 0.661468]);
    expect(m.imageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
    // Tag panel: JSON-safe, contains the patient name, never the pixel data.
    const json = JSON.parse(JSON.stringify(tags));
    expect(json.find((t: { tag: string }) => t.tag === "(0010,0010)")).toMatchObject({ keyword: "PatientName", vr: "PN", value: "CompressedSamples^CT1" });
    expect(json.find((t: { tag: string }) => t.tag === "(7FE0,0010)")).toBeUndefined();
    expect(json.find((t: { tag: string }) => t.tag === "(0028,0010)")).toMatchObject({ keyword: "Rows", value: "128" });
    expect(JSON.stringify(tags).length).toBeLessThan(100_000);
  });

  it("gives the same identity for MR_small in implicit LE, explicit LE and explicit BE", () => {
    const ref = parseTestFile("MR_small.dcm").metadata;
    for (const name of ["MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_expb.dcm"]) {
      const m = parseTestFile(name).metadata;
      expect(m.sopInstanceUid).toBe(ref.sopInstanceUid);
      expect(m.studyInstanceUid).toBe(ref.studyInstanceUid);
      expect(m.patientName).toBe("CompressedSamples, MR1");
      expect([m.rows, m.columns, m.bitsAllocated, m.windowCenter, m.windowWidth]).toEqual([64, 64, 16, 600, 1600]);
    }
    expect(parseTestFile("MR_small_implicit.dcm").metadata.transferSyntaxName).toBe("Implicit VR Little Endian");
    expect(parseTestFile("MR_small_bigendian.dcm").transferSyntax.littleEndian).toBe(false);
  });

  it("inflates Deflated Explicit VR Little Endian (image_dfl.dcm)", () => {
    const m = parseTestFile("image_dfl.dcm").metadata;
    expect(m.transferSyntaxUid).toBe("1.2.840.10008.1.2.1.99");
    expect([m.rows, m.columns, m.modality]).toEqual([512, 512, "OT"]);
  });

  it("reads multi-frame and compressed headers", () => {
    expect(parseTestFile("rtdose.dcm").metadata.numberOfFrames).toBe(15);
    expect(parseTestFile("SC_rgb_rle_2frame.dcm").metadata).toMatchObject({ numberOfFrames: 2, samplesPerPixel: 3, transferSyntaxName: "RLE Lossless" });
    expect(parseTestFile("JPEG2000.dcm").transferSyntax.encoding).toBe("jpeg-2000");
  });

  it("accepts a file whose 128-byte preamble was stripped (DICM at offset 0)", () => {
    const m = parseDicom(readTestFile("CT_small.dcm").subarray(128)).metadata;
    expect(m.sopInstanceUid).toBe("1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322");
  });

  it("accepts a raw dataset without meta header when it clearly is DICOM", () => {
    const le = parseTestFile("ExplVR_LitEndNoMeta.dcm").metadata;
    expect(le).toMatchObject({ hasFileMeta: false, modality: "RTPLAN", transferSyntaxUid: "1.2.840.10008.1.2.1" });
    const be = parseTestFile("ExplVR_BigEndNoMeta.dcm").metadata;
    expect(be).toMatchObject({ hasFileMeta: false, modality: "RTPLAN", transferSyntaxUid: "1.2.840.10008.1.2.2" });
  });

  it("parses rtplan (no pixel data) and says so", () => {
    const m = parseTestFile("rtplan.dcm").metadata;
    expect(m.modality).toBe("RTPLAN");
    expect(m.hasPixelData).toBe(false);
  });
});

describe("parseDicom rejects what is not (whole) DICOM", () => {
  it("empty → empty", () => {
    expectDicomError(() => parseDicom(new Uint8Array(0)), "empty");
  });

  it("random bytes → not_dicom", () => {
    let seed = 42;
    const rnd = new Uint8Array(4096).map(() => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
    expectDicomError(() => parseDicom(rnd), "not_dicom");
  });

  it("a PNG → not_dicom", () => {
    expectDicomError(() => parseDicom(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(0)])), "not_dicom");
  });

  it("truncated copies → truncated (or not_dicom when the header itself is cut)", () => {
    const full = readTestFile("CT_small.dcm");
    expectDicomError(() => parseDicom(full.subarray(0, 20_000)), "truncated");
    expectDicomError(() => parseDicom(full.subarray(0, full.length - 1)), "truncated");
    expectDicomError(() => parseDicom(full.subarray(0, 100)), "not_dicom");
    expect(() => parseDicom(full.subarray(0, 300))).toThrow(DicomError);
  });

  it("pydicom's truncated files → truncated", () => {
    expectDicomError(() => parseTestFile("MR_truncated.dcm"), "truncated");
    expectDicomError(() => parseTestFile("rtplan_truncated.dcm"), "truncated");
  });
});

describe("deflate zip-bomb guard", () => {
  it("refuses a deflated file that inflates past maxInflatedBytes", () => {
    const bomb = buildPart10("1.2.840.10008.1.2.1.99", deflateRawSync(new Uint8Array(64 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(200_000);
    const t0 = performance.now();
    const err = expectDicomError(() => parseDicom(bomb, { maxInflatedBytes: 1024 * 1024 }), "deflate_too_large");
    expect(err.details).toMatchObject({ maxInflatedBytes: 1024 * 1024 });
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("stops a 4 GiB bomb early instead of inflating it", () => {
    // 256 byte-aligned copies of a 16 MiB-of-zeros deflate block, then an empty final block.
    const block = deflateRawSync(new Uint8Array(16 * 1024 * 1024), { finishFlush: zc.Z_SYNC_FLUSH });
    const stream = concat(...new Array(256).fill(block), new Uint8Array([0x03, 0x00]));
    const bomb = buildPart10("1.2.840.10008.1.2.1.99", stream);
    const t0 = performance.now();
    expectDicomError(() => parseDicom(bomb, { maxInflatedBytes: 8 * 1024 * 1024 }), "deflate_too_large");
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("inflates a legitimate small deflated dataset under the limit", () => {
    // (0008,0060) Modality CS "CT", (0010,0010) PN "Doe^Jane", explicit VR LE.
    const ds = new Uint8Array([0x08, 0, 0x60, 0, 0x43, 0x53, 2, 0, 0x43, 0x54, 0x10, 0, 0x10, 0, 0x50, 0x4e, 8, 0, ...new TextEncoder().encode("Doe^Jane")]);
    const m = parseDicom(buildPart10("1.2.840.10008.1.2.1.99", deflateRawSync(ds)), { maxInflatedBytes: 1024 }).metadata;
    expect(m).toMatchObject({ modality: "CT", patientName: "Doe, Jane", hasPixelData: false });
  });
});
