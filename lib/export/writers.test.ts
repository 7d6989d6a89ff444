import { describe, expect, it } from "vitest";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import type { Cell, ColumnSpec, OutCell, RawList } from "./columns";
import { embeddingCsv, numericListBody, splitEmbeddings } from "./columns";
import { csvWriter, ndjsonWriter, parquetWriter } from "./writers";

const col = (name: string, type: ColumnSpec["type"]): ColumnSpec => ({ name, type, unit: null, modality: "x", group: "row", description: "", source: "", deid: "", whyNoIdentifier: "" });
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

  it("a RawList embedding block renders exactly as its expanded cells in CSV, NDJSON and Parquet", async () => {
    const emb = (i: number) => col(`e${i}`, "double");
    const columns = [col("k", "string"), emb(0), emb(1), emb(2), col("after", "int32")];
    const lists: (string | null)[] = [
      "[0.5, -2.5e-7, 1e+21]", // stored digits as PostgreSQL writes jsonb
      "[0.000000001, 3]", // shorter than the block: padded with nulls
      null, // no embedding
      "[]",
      '[1,2, "x"]', // not a plain list of numbers: the parsing path (the string is not a number → null)
      "[0.1,0.2,0.3]", // no spaces (split from a whole embeddings object)
    ];
    const raw: OutCell[][] = lists.map((list, i) => [`r${i}`, { list, dims: 3, part: "fused" } satisfies RawList, i]);
    const expanded: Cell[][] = lists.map((list, i) => {
      const v = list ? (JSON.parse(list) as unknown[]) : [];
      const cells = [0, 1, 2].map((d) => (typeof v[d] === "number" ? (v[d] as number) : null));
      return [`r${i}`, ...cells, i];
    });
    const all = (w: ReturnType<typeof csvWriter>, rows: OutCell[][]) => Buffer.concat([...w.start(), ...w.write(rows.slice(0, 2)), ...w.write(rows.slice(2)), ...w.finish()]);
    // CSV: the stored digits (which parse to the same doubles as the expanded cells)
    const csvRaw = all(csvWriter(columns, { header: true }), raw).toString("utf8").split("\n");
    const csvExp = all(csvWriter(columns, { header: true }), expanded).toString("utf8").split("\n");
    expect(csvRaw[1]).toBe("r0,0.5,-2.5e-7,1e+21,0");
    expect(csvRaw[2]).toBe("r1,0.000000001,3,,1");
    expect(csvRaw.length).toBe(csvExp.length);
    for (let i = 0; i < csvRaw.length; i++) expect(csvRaw[i].split(",").map((x) => (x === "" ? null : isNaN(Number(x)) ? x : Number(x)))).toEqual(csvExp[i].split(",").map((x) => (x === "" ? null : isNaN(Number(x)) ? x : Number(x))));
    // NDJSON: the same objects
    const nd = (rows: OutCell[][]) => all(ndjsonWriter(columns), rows).toString("utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(nd(raw)).toEqual(nd(expanded));
    expect(nd(raw)[1]).toEqual({ k: "r1", e0: 1e-9, e1: 3, e2: null, after: 1 });
    // Parquet: byte-identical files
    const pq = (rows: OutCell[][]) => all(parquetWriter(columns, { rowGroupSize: 4 }), rows);
    const a = pq(raw);
    expect(a.equals(pq(expanded))).toBe(true);
    const back = await parquetReadObjects({ file: a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength) as ArrayBuffer });
    expect(back.map((r) => [r.e0, r.e1, r.e2])).toEqual(expanded.map((r) => r.slice(1, 4)));
    // a list longer than its block stops the export in every format
    const long: OutCell[][] = [["x", { list: "[1, 2, 3, 4]", dims: 3, part: "fused" }, 0]];
    expect(() => csvWriter(columns, { header: false }).write(long)).toThrow(/4 dimensions, more than the 3/);
    expect(() => ndjsonWriter(columns).write(long)).toThrow(/4 dimensions, more than the 3/);
    expect(() => parquetWriter(columns).write(long)).toThrow(/4 dimensions, more than the 3/);
  });

  it("Parquet: double columns with and without nulls, across row groups, read back exactly", async () => {
    const columns = [col("a", "double"), col("b", "double"), col("c", "double")];
    const rows: Cell[][] = Array.from({ length: 23 }, (_, i) => [i / 7, i % 5 === 0 ? null : -i, null]);
    const w = parquetWriter(columns, { rowGroupSize: 6 });
    const buf = Buffer.concat([...w.start(), ...w.write(rows.slice(0, 10)), ...w.write(rows.slice(10)), ...w.finish()]);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    expect(parquetMetadata(ab).row_groups.map((g) => Number(g.num_rows))).toEqual([6, 6, 6, 5]);
    const back = await parquetReadObjects({ file: ab });
    expect(back.map((r) => [r.a, r.b, r.c])).toEqual(rows);
  });

  it("numeric list bodies: JSON numbers only, counted without parsing", () => {
    expect(numericListBody("[0.1, -2.5e-7, 3]", 3, "fused")).toEqual({ body: "0.1,-2.5e-7,3", n: 3 });
    expect(numericListBody("[]", 3, "fused")).toEqual({ body: "", n: 0 });
    for (const bad of ["[+1]", "[.5]", "[1.]", "[01]", "[1,,2]", "[1, 2,]", "[1 ,2]", "[NaN]", '["1"]', "[1]\n", "1, 2"]) expect(numericListBody(bad, 3, "fused"), bad).toBeNull();
  });
});
