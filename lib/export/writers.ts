/**
 * File writers for the three formats. Each turns batches of rows (cells in column order) into
 * bytes incrementally, so an export of any size is written with constant memory:
 *   csv     RFC 4180, UTF-8, header line, `\n` line ends; empty field = null; numbers in
 *           JavaScript's shortest round-trip form (the exact stored double)
 *   ndjson  one JSON object per line, keys = column names, null for missing values
 *   parquet hyparquet-writer's ParquetWriter: one row group per `rowGroupSize` rows, flushed to
 *           the stream as soon as it is encoded; the footer (schema, statistics, and the data
 *           dictionary as key-value metadata `fusion_cds.dictionary`) is written at the end.
 *           Typed columns: string → BYTE_ARRAY UTF8, int32 → INT32, double → DOUBLE, all optional.
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { isRawList, numericListBody, rawListCsv, rawListParsed, rawListValues, type ColumnSpec, type Cell, type OutCell } from "./columns";
import type { ExportFormat } from "./query";

export interface ExportWriter {
  readonly contentType: string;
  readonly extension: string;
  start(): Uint8Array[];
  /** rows of cells in column order (RawCsv cells only for the CSV writer; a RawList stands for its block's columns) */
  write(rows: OutCell[][]): Uint8Array[];
  finish(): Uint8Array[];
}

const utf8 = new TextEncoder();

/**
 * Text output of one write(): lines are encoded straight into a reusable scratch buffer (no
 * page-long string to build and flatten), and the bytes are handed out as one exact-size copy.
 */
class LineBuffer {
  private buf = Buffer.allocUnsafe(1 << 20);
  private n = 0;
  push(line: string): void {
    if (this.n + line.length * 3 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + line.length * 3));
      this.buf.copy(bigger, 0, 0, this.n);
      this.buf = bigger;
    }
    this.n += this.buf.write(line, this.n);
  }
  take(): Uint8Array[] {
    if (!this.n) return [];
    const out = new Uint8Array(this.buf.subarray(0, this.n)); // a copy: the scratch is reused
    this.n = 0;
    return [out];
  }
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
function csvField(v: OutCell): string {
  if (v === null) return "";
  if (isNumberList(v)) throw new Error("a list cell (float_list column) has no CSV form: training snapshots are Parquet only");
  if (typeof v === "number") return "" + v;
  if (typeof v === "object") return "csv" in v ? v.csv : rawListCsv(v);
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvWriter(columns: ColumnSpec[], opts: { header: boolean }): ExportWriter {
  const out = new LineBuffer();
  return {
    contentType: "text/csv; charset=utf-8",
    extension: "csv",
    start: () => (opts.header ? [utf8.encode(columns.map((c) => csvField(c.name)).join(",") + "\n")] : []),
    write(rows) {
      for (const r of rows) {
        let line = csvField(r[0]);
        for (let i = 1; i < r.length; i++) line += "," + csvField(r[i]);
        out.push(line + "\n");
      }
      return out.take();
    },
    finish: () => [],
  };
}

const jsonValue = (v: Cell) => (v === null ? "null" : typeof v === "number" ? (Number.isFinite(v) ? String(v) : "null") : typeof v === "string" ? JSON.stringify(v) : JSON.stringify(Array.from(v)));
const isNumberList = (v: unknown): v is ArrayLike<number> => Array.isArray(v) || ArrayBuffer.isView(v);

export function ndjsonWriter(columns: ColumnSpec[]): ExportWriter {
  const keys = columns.map((c, i) => (i ? "," : "{") + JSON.stringify(c.name) + ":");
  const out = new LineBuffer();
  return {
    contentType: "application/x-ndjson; charset=utf-8",
    extension: "ndjson",
    start: () => [],
    write(rows) {
      for (const r of rows) {
        let line = "";
        let k = 0; // column index (a RawList spans its block's columns)
        for (let i = 0; i < r.length; i++) {
          const v = r[i];
          if (isRawList(v)) {
            const l = v.list === null ? { body: "", n: 0 } : numericListBody(v.list, v.dims, v.part);
            if (l) {
              // the stored digits (plain JSON numbers), then null for the dimensions it lacks
              let from = 0;
              for (let d = 0; d < l.n; d++) {
                const to = d === l.n - 1 ? l.body.length : l.body.indexOf(",", from);
                line += keys[k++] + l.body.slice(from, to);
                from = to + 1;
              }
              for (let d = l.n; d < v.dims; d++) line += keys[k++] + "null";
            } else for (const x of rawListValues(v)) line += keys[k++] + jsonValue(x);
          } else line += keys[k++] + jsonValue(v as Cell);
        }
        out.push((line || "{") + "}\n");
      }
      return out.take();
    },
    finish: () => [],
  };
}

const PARQUET_TYPE = { string: "STRING", int32: "INT32", double: "DOUBLE", float_list: "FLOAT" } as const;

/**
 * A ByteWriter whose bytes are handed out after every row group: the filled buffer itself goes
 * out (no copy) and the next row group is written into a new one of about the same size.
 */
class ChunkWriter extends ByteWriter {
  chunks: Uint8Array[] = [];
  take(): Uint8Array[] {
    this.flush();
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
  flush(): void {
    if (this.index > 0) {
      this.chunks.push(new Uint8Array(this.buffer, 0, this.index));
      this.buffer = new ArrayBuffer(Math.max(1 << 16, Math.ceil(this.index * 1.25)));
      this.view = new DataView(this.buffer);
      this.index = 0;
    }
  }
}

export function parquetWriter(columns: ColumnSpec[], opts: { rowGroupSize?: number; kvMetadata?: { key: string; value: string }[] } = {}): ExportWriter {
  const rowGroupSize = opts.rowGroupSize ?? 8192;
  const out = new ChunkWriter(1 << 16);
  const schema = [
    { name: "root", num_children: columns.length },
    ...columns.flatMap((c): Record<string, unknown>[] =>
      c.type === "string"
        ? [{ name: c.name, type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const, repetition_type: "OPTIONAL" as const }]
        : c.type === "float_list"
          ? // 3-level LIST (optional list of required FLOAT elements)
            [
              { name: c.name, repetition_type: "OPTIONAL" as const, converted_type: "LIST" as const, num_children: 1 },
              { name: "list", repetition_type: "REPEATED" as const, num_children: 1 },
              { name: "element", type: "FLOAT" as const, repetition_type: "REQUIRED" as const },
            ]
          : [{ name: c.name, type: PARQUET_TYPE[c.type], repetition_type: "OPTIONAL" as const }],
    ),
  ];
  const pw = new ParquetWriter({ writer: out, schema: schema as never, codec: "SNAPPY", kvMetadata: opts.kvMetadata, createdBy: "fusion-cds research export (hyparquet-writer 0.17)" });
  // near-random doubles (embeddings, scores) neither dictionary-encode nor compress: PLAIN, raw
  const plainRaw = columns.map((c) => c.type === "double" || c.name === "row_key" || c.name === "patient_pseudonym");
  // Doubles buffer in Float64Arrays (off the JS heap: nothing for the GC to copy or scan) with a
  // count of nulls per column; a column chunk without nulls goes to hyparquet-writer as the typed
  // array itself, one with nulls as a holey array of unboxed doubles (a hole reads as undefined,
  // which hyparquet-writer writes as null) — never one boxed number per value.
  const isDouble = columns.map((c) => c.type === "double");
  const dbl = columns.map((c) => (c.type === "double" ? new Float64Array(rowGroupSize) : null));
  const isNull = columns.map((c) => (c.type === "double" ? new Uint8Array(rowGroupSize) : null));
  const nulls = new Int32Array(columns.length);
  const fresh = (): Cell[][] => columns.map(() => []);
  let buf = fresh();
  let n = 0;
  const doubles = (j: number, count: number): ArrayLike<number> => {
    const v = dbl[j]!;
    if (!nulls[j]) return v.subarray(0, count);
    // hyparquet-writer reads a column's data only through `length` and `slice` (once, when it
    // writes that column): the holey array is built then, so one column's is alive at a time
    return {
      length: count,
      slice(from = 0, to = count) {
        const m = isNull[j]!;
        const out: number[] = new Array(to - from);
        for (let i = from; i < to; i++) if (!m[i]) out[i - from] = v[i];
        return out;
      },
    } as ArrayLike<number>;
  };
  const flushGroup = () => {
    if (!n) return;
    const columnData = columns.map((c, j) => ({ name: c.name, data: isDouble[j] ? doubles(j, n) : buf[j], ...(plainRaw[j] ? { encoding: "PLAIN" as const, codec: "UNCOMPRESSED" as const } : {}) }));
    pw.write({ columnData: columnData as never, rowGroupSize: n });
    buf = fresh();
    for (let j = 0; j < columns.length; j++) if (nulls[j]) isNull[j]!.fill(0, 0, n);
    nulls.fill(0);
    n = 0;
  };
  const setDouble = (j: number, v: unknown) => {
    if (typeof v === "number" && Number.isFinite(v)) dbl[j]![n] = v;
    else {
      isNull[j]![n] = 1;
      nulls[j]++;
    }
  };
  return {
    contentType: "application/vnd.apache.parquet",
    extension: "parquet",
    start: () => out.take(), // "PAR1"
    write(rows) {
      const res: Uint8Array[] = [];
      for (const r of rows) {
        let j = 0; // column index (a RawList spans its block's columns)
        for (let i = 0; i < r.length; i++) {
          const v = r[i];
          if (isRawList(v)) {
            const xs = rawListParsed(v) ?? [];
            for (let d = 0; d < v.dims; d++) setDouble(j + d, xs[d]);
            j += v.dims;
          } else if (isDouble[j]) setDouble(j++, v);
          else if (columns[j].type === "float_list") buf[j++].push(v === null ? null : Array.from(v as ArrayLike<number>));
          else buf[j++].push(v as Cell);
        }
        if (++n >= rowGroupSize) {
          flushGroup();
          res.push(...out.take());
        }
      }
      return res;
    },
    finish() {
      flushGroup();
      pw.finish();
      return out.take();
    },
  };
}

export function writerFor(format: ExportFormat, columns: ColumnSpec[], opts: { header?: boolean; kvMetadata?: { key: string; value: string }[]; rowGroupSize?: number } = {}): ExportWriter {
  if (format === "csv") return csvWriter(columns, { header: opts.header ?? true });
  if (format === "ndjson") return ndjsonWriter(columns);
  return parquetWriter(columns, { kvMetadata: opts.kvMetadata, rowGroupSize: opts.rowGroupSize });
}
