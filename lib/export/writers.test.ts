import { describe, expect, it } from "vitest";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { ColumnSpec } from "./columns";
import { embeddingCsv, splitEmbeddings } from "./columns";
import { csvWriter, ndjsonWriter, parquetWriter } from "./writers";

const col = (name: string, type: ColumnSpec["type"]): ColumnSpec => ({ name, type, unit: null, modality: "x", group: "row", description: "", source: "", deid: "" });
const cols = [col("s", "string"), col("i", "int32"), col("d", "double")];
const rows = [
  ["plain", 1, 0.1],
  ['comma, "quote"', null, -2.5e-7],
  [" lead", 90, null],
  ["new\nline", -3, 1e21],
];
const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString("utf8");

describe("export writers", () => {
  it("CSV: RFC 4180 quoting, empty for null, shortest round-trip numbers", () => {
    const w = csvWriter(cols, { header: true });
    const out = text([...w.start(), ...w.write(rows), ...w.finish()]);
    expect(out).toBe('s,i,d\nplain,1,0.1\n"comma, ""quote""",,-2.5e-7\n" lead",90,\n"new\nline",-3,1e+21\n');
    expect(text(csvWriter(cols, { header: false }).start())).toBe("");
    expect(text(csvWriter(cols, { header: false }).write([[{ csv: "1,2" }, 3]]))).toBe("1,2,3\n");
  });

  it("NDJSON: one object per line, null for missing", () => {
    const w = ndjsonWriter(cols);
    const lines = text(w.write(rows)).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[1]).toEqual({ s: 'comma, "quote"', i: null, d: -2.5e-7 });
    expect(lines[2]).toEqual({ s: " lead", i: 90, d: null });
  });

  it("Parquet: streamed row groups, typed optional columns, dictionary in the footer", async () => {
    const w = parquetWriter(cols, { rowGroupSize: 3, kvMetadata: [{ key: "k", value: "v" }] });
    const chunks = [...w.start()];
    expect(text(chunks)).toBe("PAR1");
    const afterFirstGroup = w.write(rows);
    expect(afterFirstGroup.length).toBeGreaterThan(0); // a full row group is emitted before the end
    chunks.push(...afterFirstGroup, ...w.finish());
    const buf = Buffer.concat(chunks);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(ab);
    expect(meta.row_groups.length).toBe(2);
    expect(meta.key_value_metadata).toEqual([{ key: "k", value: "v" }]);
    expect(meta.schema.slice(1).map((s) => [s.name, s.type, s.repetition_type])).toEqual([
      ["s", "BYTE_ARRAY", "OPTIONAL"],
      ["i", "INT32", "OPTIONAL"],
      ["d", "DOUBLE", "OPTIONAL"],
    ]);
    const back = await parquetReadObjects({ file: ab });
    expect(back.map((r) => [r.s, r.i, r.d])).toEqual(rows);
  });

  it("splits a stored embeddings object into its parts without parsing numbers", () => {
    expect(splitEmbeddings('{"fused": [1, 2.5e-7], "image": null, "tabular": [3]}')).toEqual({ fused: "[1, 2.5e-7]", image: null, tabular: "[3]" });
    expect(splitEmbeddings('{"fused":[1,2],"image":[4]}')).toEqual({ fused: "[1,2]", image: "[4]", tabular: null }); // not jsonb's spacing: fallback
    expect(splitEmbeddings(null)).toEqual({ fused: null, image: null, tabular: null });
  });

  it("embedding CSV fast path keeps the stored digits and pads to the declared size", () => {
    expect(embeddingCsv("[0.1, -2.5e-7, 3]", 3, "fused")).toBe("0.1,-2.5e-7,3");
    expect(embeddingCsv("[0.1, 0.2]", 4, "fused")).toBe("0.1,0.2,,");
    expect(embeddingCsv(null, 3, "image")).toBe(",,");
    expect(embeddingCsv('["x"]', 3, "image")).toBeNull();
    expect(() => embeddingCsv("[1, 2, 3]", 2, "fused")).toThrow(/more than the 2/);
  });
});
