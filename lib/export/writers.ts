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
import type { ColumnSpec, Cell, OutCell } from "./columns";
import type { ExportFormat } from "./query";

export interface ExportWriter {
  readonly contentType: string;
  readonly extension: string;
  start(): Uint8Array[];
  /** rows of cells in column order (RawCsv cells only for the CSV writer) */
  write(rows: OutCell[][]): Uint8Array[];
  finish(): Uint8Array[];
}

const utf8 = new TextEncoder();

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
function csvField(v: OutCell): string {
  if (v === null) return "";
  if (typeof v === "number") return "" + v;
  if (typeof v === "object") return v.csv;
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvWriter(columns: ColumnSpec[], opts: { header: boolean }): ExportWriter {
  return {
    contentType: "text/csv; charset=utf-8",
    extension: "csv",
    start: () => (opts.header ? [utf8.encode(columns.map((c) => csvField(c.name)).join(",") + "\n")] : []),
    write(rows) {
      let s = "";
      for (const r of rows) {
        let line = csvField(r[0]);
        for (let i = 1; i < r.length; i++) line += "," + csvField(r[i]);
        s += line + "\n";
      }
      return s ? [utf8.encode(s)] : [];
    },
    finish: () => [],
  };
}

export function ndjsonWriter(columns: ColumnSpec[]): ExportWriter {
  const keys = columns.map((c, i) => (i ? "," : "{") + JSON.stringify(c.name) + ":");
  return {
    contentType: "application/x-ndjson; charset=utf-8",
    extension: "ndjson",
    start: () => [],
    write(rows) {
      let s = "";
      for (const r of rows) {
        let line = "";
        for (let i = 0; i < r.length; i++) {
          const v = r[i] as Cell;
          line += keys[i] + (v === null ? "null" : typeof v === "number" ? (Number.isFinite(v) ? String(v) : "null") : JSON.stringify(v));
        }
        s += (line || "{") + "}\n";
      }
      return s ? [utf8.encode(s)] : [];
    },
    finish: () => [],
  };
}

const PARQUET_TYPE = { string: "STRING", int32: "INT32", double: "DOUBLE" } as const;

/** A ByteWriter whose bytes are handed out (and the buffer reused) after every row group. */
class ChunkWriter extends ByteWriter {
  chunks: Uint8Array[] = [];
  take(): Uint8Array[] {
    if (this.index > 0) {
      this.chunks.push(new Uint8Array(this.buffer.slice(0, this.index)));
      this.index = 0;
    }
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
  flush(): void {
    if (this.index > 0) {
      this.chunks.push(new Uint8Array(this.buffer.slice(0, this.index)));
      this.index = 0;
    }
  }
}

export function parquetWriter(columns: ColumnSpec[], opts: { rowGroupSize?: number; kvMetadata?: { key: string; value: string }[] } = {}): ExportWriter {
  const rowGroupSize = opts.rowGroupSize ?? 8192;
  const out = new ChunkWriter(1 << 20);
  const schema = [
    { name: "root", num_children: columns.length },
    ...columns.map((c) =>
      c.type === "string"
        ? { name: c.name, type: "BYTE_ARRAY" as const, converted_type: "UTF8" as const, repetition_type: "OPTIONAL" as const }
        : { name: c.name, type: PARQUET_TYPE[c.type], repetition_type: "OPTIONAL" as const },
    ),
  ];
  const pw = new ParquetWriter({ writer: out, schema: schema as never, codec: "SNAPPY", kvMetadata: opts.kvMetadata, createdBy: "fusion-cds research export (hyparquet-writer 0.17)" });
  // near-random doubles (embeddings, scores) neither dictionary-encode nor compress: PLAIN, raw
  const plainRaw = columns.map((c) => c.type === "double" || c.name === "row_key" || c.name === "patient_pseudonym");
  // doubles buffer in Float64Arrays (no boxed numbers for the GC to chase); a column chunk that
  // has nulls is handed over as a plain array with nulls at flush time
  const isDouble = columns.map((c) => c.type === "double");
  const dbl: (Float64Array | null)[] = columns.map((c) => (c.type === "double" ? new Float64Array(rowGroupSize) : null));
  const nullRows: (number[] | null)[] = columns.map(() => null);
  let buf: Cell[][] = columns.map(() => []);
  let n = 0;
  const flushGroup = () => {
    if (!n) return;
    const columnData = columns.map((c, j) => {
      let data: ArrayLike<Cell> | Float64Array = buf[j];
      if (isDouble[j]) {
        const arr = dbl[j]!.slice(0, n);
        const nulls = nullRows[j];
        if (nulls) {
          const withNulls: (number | null)[] = Array.from(arr);
          for (const i of nulls) withNulls[i] = null;
          data = withNulls;
        } else data = arr;
        nullRows[j] = null;
      }
      return { name: c.name, data, ...(plainRaw[j] ? { encoding: "PLAIN" as const, codec: "UNCOMPRESSED" as const } : {}) };
    });
    pw.write({ columnData: columnData as never, rowGroupSize: n });
    buf = columns.map(() => []);
    n = 0;
  };
  return {
    contentType: "application/vnd.apache.parquet",
    extension: "parquet",
    start: () => out.take(), // "PAR1"
    write(rows) {
      const res: Uint8Array[] = [];
      for (const r of rows) {
        for (let j = 0; j < r.length; j++) {
          const v = r[j] as Cell;
          if (isDouble[j]) {
            if (typeof v === "number") dbl[j]![n] = v;
            else (nullRows[j] ??= []).push(n);
          } else buf[j].push(v);
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
