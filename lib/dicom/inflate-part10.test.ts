import { describe, expect, it } from "vitest";
import { deflateRawSync } from "node:zlib";
import { explicitLittleEndianFromDeflated, readFileMeta } from "./inflate-part10";
import { parseDicom } from "./parse";
import { decodeFrame } from "./decode";
import { buildPart10, readTestFile, maxAbsDiff } from "@/test/support/dicom-files";
import { isDicomError } from "./errors";

describe("explicitLittleEndianFromDeflated", () => {
  it("serves pydicom's deflated image_dfl.dcm as Explicit VR Little Endian with the same pixels and header", async () => {
    const bytes = readTestFile("image_dfl.dcm");
    const out = await explicitLittleEndianFromDeflated(bytes);
    expect(out).not.toBeNull();
    expect(readFileMeta(out!)!.transferSyntaxUid).toBe("1.2.840.10008.1.2.1");
    const a = parseDicom(bytes);
    const b = parseDicom(out!);
    expect(b.transferSyntax.uid).toBe("1.2.840.10008.1.2.1");
    expect(b.metadata.rows).toBe(a.metadata.rows);
    expect(b.metadata.sopInstanceUid).toBe(a.metadata.sopInstanceUid);
    expect(maxAbsDiff((await decodeFrame(a)).data, (await decodeFrame(b)).data)).toBe(0);
  });

  it("returns null for files that are not deflated (served as stored)", async () => {
    expect(await explicitLittleEndianFromDeflated(readTestFile("MR_small.dcm"))).toBeNull();
    expect(await explicitLittleEndianFromDeflated(readTestFile("no_meta.dcm"))).toBeNull();
  });

  it("refuses a deflated data set that expands past the cap (zip-bomb guard)", async () => {
    const bomb = buildPart10("1.2.840.10008.1.2.1.99", new Uint8Array(deflateRawSync(new Uint8Array(1 << 20))));
    const e = await explicitLittleEndianFromDeflated(bomb, 1024).catch((x: unknown) => x);
    expect(isDicomError(e) && e.code).toBe("deflate_too_large");
  });
});
