// Decompression bombs and header lies (issue 10, High 3 and Medium 7): a file's declared size is
// checked against one shared limit before anything is allocated, and decoding happens off the
// thread that answers requests.
import { afterAll, describe, expect, it } from "vitest";
import { deflateSync } from "node:zlib";
import { inspectUpload } from "@/lib/ingest/inspect";
import { closeDecodePool } from "@/lib/dicom/off-thread";
import { MAX_IMAGE_SIDE } from "@/lib/dicom/limits";
import { IMAGE_PREPROCESSING } from "@/lib/fusion/encoders";
import { AppError } from "@/lib/domain/errors";
import { manyElements, rleBomb } from "../support/dicom-builders";

afterAll(() => closeDecodePool());

async function refusal(bytes: Uint8Array, name = "x.dcm"): Promise<AppError> {
  try {
    await inspectUpload(bytes, name, {});
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("the file was accepted");
}

/** A PNG whose IHDR declares width × height, with one IDAT of zeros for a few rows only. */
function pngDeclaring(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    Buffer.from(data).copy(out, 8);
    out.writeUInt32BE(0, 8 + data.length); // CRC is not what this test is about
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const idat = deflateSync(Buffer.alloc(4 * (width + 1)));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", new Uint8Array(0))]));
}

describe("declared sizes are checked before anything is allocated", () => {
  it("a ~600-byte RLE file declaring 65535 × 65535 is refused with 413 image_too_large", async () => {
    const bytes = rleBomb({ rows: 65535, columns: 65535, runs: 200 });
    expect(bytes.length).toBeLessThan(1000);
    const rssBefore = process.memoryUsage().rss;
    const e = await refusal(bytes);
    expect(e.status).toBe(413);
    expect(e.code).toBe("image_too_large");
    expect(e.message).toMatch(/65535 × 65535/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it("an 8192 × 8192 image is refused at upload — the assessor could never read it (one shared limit)", async () => {
    expect(IMAGE_PREPROCESSING.maxSide).toBe(MAX_IMAGE_SIDE);
    const e = await refusal(rleBomb({ rows: 8192, columns: 8192, runs: 8192 * 8192 / 128 / 64 }));
    expect([e.status, e.code]).toEqual([413, "image_too_large"]);
  });

  it("a 4096 × 4096 declaration carried by ~1 kB of RLE data is refused as undecodable (PackBits cannot expand that far)", async () => {
    const bytes = rleBomb({ rows: 4096, columns: 4096, runs: 300 });
    expect(bytes.length).toBeLessThan(1200);
    const e = await refusal(bytes);
    expect([e.status, e.code]).toEqual([422, "decode_failed"]);
  });

  it("frames × size beyond the image limit is refused even when one frame would fit", async () => {
    const e = await refusal(rleBomb({ rows: 4096, columns: 4096, runs: 2, frames: 100_000 }));
    expect([e.status, e.code]).toEqual([413, "image_too_large"]);
    expect(e.message).toMatch(/100000 frames/);
  });

  it("a PNG whose header declares 60000 × 60000 is refused before pngjs allocates it", async () => {
    const e = await refusal(pngDeclaring(60000, 60000), "x.png").catch((x) => x);
    // PNGs need their modality; give it one so the size check is what answers.
    const e2 = await inspectUpload(pngDeclaring(60000, 60000), "x.png", { modality: "OT" }).catch((x) => x);
    expect(e).toBeInstanceOf(AppError);
    expect([e2.status, e2.code]).toEqual([413, "image_too_large"]);
  });

  it("a real-size RLE image within the limits still decodes", async () => {
    const i = await inspectUpload(rleBomb({ rows: 512, columns: 512, runs: (512 * 512) / 128 }), "ok.dcm", {});
    expect([i.rows, i.columns]).toEqual([512, 512]);
    expect(i.frame.data.length).toBe(512 * 512);
  });
});

describe("element count and metadata size (Medium 7)", () => {
  it("a file with 200,000 tiny elements is refused (422 too_many_elements)", async () => {
    const e = await refusal(manyElements(200_000));
    expect([e.status, e.code]).toEqual([422, "too_many_elements"]);
  });

  it("a file with 40,000 private elements is accepted but keeps at most ~1 MiB of tag summary, saying how many were left out", async () => {
    const i = await inspectUpload(manyElements(40_000), "ok.dcm", {});
    const size = JSON.stringify(i.metadata.tags).length;
    expect(size).toBeLessThan(1.1 * 1024 * 1024);
    expect(i.metadata.tagsOmitted).toBeGreaterThan(0);
    expect(i.metadata.tags!.length + i.metadata.tagsOmitted!).toBeGreaterThan(40_000);
  });
});

describe("decoding runs off the request thread", () => {
  it("the event loop keeps turning while a large image is decoded", async () => {
    const bytes = rleBomb({ rows: 4096, columns: 4096, runs: (4096 * 4096) / 128 });
    await inspectUpload(rleBomb({ rows: 64, columns: 64, runs: 32 }), "warm.dcm", {}); // pool up
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    try {
      const i = await inspectUpload(bytes, "big.dcm", {});
      expect(i.rows).toBe(4096);
    } finally {
      clearInterval(timer);
    }
    // Decoding 16.7 M pixels takes a few hundred ms; on the request thread the timer could not fire once.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});
