/**
 * A research export as a byte stream: cohort shape → columns → pages of rows (keyset) →
 * de-identified cells → CSV / Parquet / NDJSON bytes, pulled by the consumer (backpressure: the
 * next page is read only when the previous bytes were taken), with a SHA-256 of exactly the bytes
 * handed out. Every export is audited twice: `export.start` before the first byte (who, filters,
 * format, columns) and `export.create` at the end (rows, bytes, sha256, complete or aborted).
 */
import { createHash } from "node:crypto";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Actor, RequestInfo } from "@/lib/auth/actor";
import { audit } from "@/lib/auth/audit";
import { ValidationError } from "@/lib/domain/errors";
import { todayIso } from "@/lib/domain/common";
import { buildColumns, makeRowEncoder, type CohortShape, type ColumnSpec } from "./columns";
import { buildDictionary, type Dictionary } from "./dictionary";
import { exportKeys, patientPseudonym, rowKeyCodec } from "./pseudonym";
import type { ExportQuery } from "./query";
import { cohortShape, loadRecords, pageBoundary, pageQuery, type Queryable } from "./sql";
import { writerFor } from "./writers";
import { cohortTooSmall, isExportable, minCellSize } from "./small-cells";
import { auditRefusal } from "./refusal";
import type { FeatureRecord } from "./features";

export type ExportContext = {
  /** audit trail (and the reader when `sql` is not given) */
  db: PrismaClient;
  /** the reader for pages and records (lib/export/source.ts); default: `db` */
  sql?: Queryable;
  /** the signed-in researcher; null for the CLI (then `username` says who ran it) */
  actor: Actor | null;
  username?: string;
  request: RequestInfo;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  pageSize?: number;
  rowGroupSize?: number;
  /** pages read ahead while the current one is encoded (default 1; 2 reads two at once on two connections) */
  readAhead?: number;
};

export type ExportSummary = { rows: number; bytes: number; sha256: string; complete: boolean; error?: string; durationMs: number };

export type OpenExport = {
  shape: CohortShape;
  columns: ColumnSpec[];
  dictionary: Dictionary;
  contentType: string;
  filename: string;
  /** rows this response will hold when known up front (no `after`) */
  expectedRows: number | null;
  stream: ReadableStream<Uint8Array>;
  /** settles when the stream ends, fails or is cancelled (after the audit row is written) */
  done: Promise<ExportSummary>;
};

/**
 * Opens an export. Anything that stops it before the first byte (configuration, an `after` from
 * another secret, a bad code term, a small cell) is audited as export.refused and thrown.
 */
export async function openExport(q: ExportQuery, ctx: ExportContext): Promise<OpenExport> {
  try {
    return await open(q, ctx);
  } catch (e) {
    await auditRefusal(ctx.db, { actor: ctx.actor, username: ctx.username, request: ctx.request }, e, { format: q.format, filters: q.filters, columns: q.columns, after: q.after ?? null });
    throw e;
  }
}

async function open(q: ExportQuery, ctx: ExportContext): Promise<OpenExport> {
  const t0 = performance.now();
  const db = ctx.db;
  const who = { actor: ctx.actor, username: ctx.username, request: ctx.request };
  const keys = exportKeys(ctx.env); // 503 export_not_configured before anything else
  if (keys.created)
    await audit(db, { ...who, action: "export.secret.create", entityType: "Export", outcome: "success", details: { path: keys.path, note: "FUSION_EXPORT_SECRET is not set: the server made its own export secret" } });
  const minCell = minCellSize(ctx.env);
  const codec = rowKeyCodec(keys);
  let afterId: string | undefined;
  if (q.after) {
    try {
      afterId = codec.decode(q.after);
    } catch {
      throw ValidationError.field("after", "is not a row_key issued by this server");
    }
  }
  const src = ctx.sql ?? db;
  const shape = await cohortShape(src, q.filters);
  if (!isExportable(shape, minCell)) {
    // small cell: refused before a byte is sent; the exact size goes to the audit trail only
    const e = cohortTooSmall(minCell);
    await auditRefusal(db, who, e, { minCellSize: minCell, format: q.format, filters: q.filters, columns: q.columns, cohortRows: shape.rows, cohortPatients: shape.patients });
    throw e;
  }
  const columns = buildColumns(shape, q.columns);
  const now = ctx.now ?? new Date();
  const dictionary = buildDictionary({ shape, columns, filters: q.filters, format: q.format, minCellSize: minCell, now });
  const writer = writerFor(q.format, columns, {
    header: q.header === "1",
    rowGroupSize: ctx.rowGroupSize,
    kvMetadata: [{ key: "fusion_cds.dictionary", value: JSON.stringify(dictionary) }],
  });
  const encode = makeRowEncoder(shape, q.columns, { rawLists: true });
  const needRecords = q.columns.includes("features") || q.columns.includes("record_summary") || q.columns.includes("labels");
  const fetchPage = pageQuery(q.filters, {
    withScores: q.columns.includes("scores"),
    withScan: q.columns.includes("scan"),
    embeddings: { image: q.columns.includes("image_embedding"), tabular: q.columns.includes("tabular_embedding"), fused: q.columns.includes("fused_embedding") },
  });
  const boundary = pageBoundary(q.filters);
  const pageSize = ctx.pageSize ?? 500;
  /** pages read ahead (each on its own connection) while the current one is encoded */
  const depth = Math.max(1, ctx.readAhead ?? 1);
  const auditDetails = { format: q.format, filters: q.filters, columns: q.columns, after: q.after ?? null, limit: q.limit ?? null, cohortRows: shape.rows, cohortPatients: shape.patients };
  await audit(db, { ...who, action: "export.start", entityType: "Export", outcome: "success", details: auditDetails });

  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const filename = `fusion-cds-export-${stamp}${q.after ? "-resumed" : ""}.${writer.extension}`;
  const today = todayIso(now);

  const hash = createHash("sha256");
  let bytes = 0;
  let rows = 0;
  let remaining = q.limit ?? Number.POSITIVE_INFINITY;
  let started = false;
  let settled = false;
  type Page = { rows: Awaited<ReturnType<typeof fetchPage>>; recs: Map<string, FeatureRecord> };
  // planner: page bounds are found in order by a cheap index query (pageBoundary), so up to
  // `depth` pages can be read concurrently and still come out in keyset order
  let planLower = afterId;
  let planLeft = remaining;
  let planEnded = false;
  let planChain: Promise<unknown> = Promise.resolve();
  const ahead: Promise<Page>[] = [];
  const pseudonyms = new Map<string, string>();
  let resolveDone!: (s: ExportSummary) => void;
  const done = new Promise<ExportSummary>((r) => (resolveDone = r));

  const finalize = async (complete: boolean, error?: string) => {
    if (settled) return;
    settled = true;
    const summary: ExportSummary = { rows, bytes, sha256: hash.digest("hex"), complete, ...(error ? { error } : {}), durationMs: Math.round(performance.now() - t0) };
    try {
      await audit(db, { ...who, action: "export.create", entityType: "Export", outcome: complete ? "success" : "failure", details: { ...auditDetails, rows, bytes, sha256: summary.sha256, complete, error: error ?? null, durationMs: summary.durationMs } });
    } catch (e) {
      console.error("[export] could not write the export audit row:", (e as Error).message);
      // an export the audit trail does not hold must not complete: the client sees a broken download
      if (complete) {
        resolveDone({ ...summary, complete: false, error: "audit write failed" });
        throw new Error("The export could not be recorded in the audit trail, so it was not completed.");
      }
    }
    resolveDone(summary);
  };

  const schedule = (): Promise<Page> => {
    const bounds = planChain.then(async () => {
      if (planEnded || planLeft <= 0) return null;
      const size = Math.min(pageSize, planLeft);
      const lower = planLower;
      const upper = await boundary(src, lower, size);
      planLeft -= size;
      if (upper === null) planEnded = true;
      else planLower = upper;
      return { lower, upper, size };
    });
    planChain = bounds.catch(() => undefined);
    const page = bounds.then(async (b): Promise<Page> => {
      if (!b) return { rows: [], recs: new Map() };
      const rows = await fetchPage(src, b.lower, b.size, b.upper);
      const recs = needRecords && rows.length ? await loadRecords(src, rows.map((r) => r.patientId)) : new Map<string, FeatureRecord>();
      return { rows, recs };
    });
    // awaited in order by pull(); this keeps a failure meanwhile from being an unhandled
    // rejection (which would end the server process)
    page.catch(() => undefined);
    return page;
  };
  /** keeps `depth` pages in flight beyond the one being encoded */
  const topUp = () => {
    while (ahead.length < depth && !planEnded && planLeft > 0 && !settled) ahead.push(schedule());
  };
  const rowCtx = (page: { id: string }[], recs: Map<string, FeatureRecord>) => {
    // the page's row keys in one cipher call; rows are encoded in page order
    const ids = page.map((r) => r.id);
    const rowKeys = codec.encodeMany(ids);
    let next = 0;
    return {
      rowKey: (id: string) => (ids[next] === id ? rowKeys[next++] : codec.encode(id)),
      pseudonym: (id: string) => {
        let p = pseudonyms.get(id);
        if (!p) {
          if (pseudonyms.size > 100_000) pseudonyms.clear(); // bounded memory
          pseudonyms.set(id, (p = patientPseudonym(keys, id)));
        }
        return p;
      },
      record: (id: string) => recs.get(id),
      today,
    };
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const emit = (chunks: Uint8Array[]) => {
          for (const c of chunks) {
            if (!c.byteLength) continue;
            hash.update(c);
            bytes += c.byteLength;
            controller.enqueue(c);
          }
          return chunks.some((c) => c.byteLength > 0);
        };
        try {
          if (!started) {
            started = true;
            if (emit(writer.start())) return;
          }
          for (;;) {
            topUp();
            const nextPage = ahead.shift();
            // the next page(s) are read while this one is awaited and encoded
            topUp();
            if (!nextPage || remaining <= 0) {
              emit(writer.finish());
              // the audit row (with the final hash) is written before the client sees the end
              await finalize(true);
              controller.close();
              return;
            }
            const next = await nextPage;
            let page = next.rows;
            if (!page.length) continue;
            if (page.length > remaining) page = page.slice(0, remaining); // rows inserted meanwhile inside a planned range
            remaining -= page.length;
            const c = rowCtx(page, next.recs);
            const cells = page.map((r) => encode(r, c));
            rows += cells.length;
            if (emit(writer.write(cells))) return;
          }
        } catch (e) {
          controller.error(e);
          await finalize(false, (e as Error).message).catch(() => undefined);
        }
      },
      async cancel(reason) {
        await finalize(false, `cancelled by the client${reason ? `: ${String(reason)}` : ""}`);
      },
    },
    { highWaterMark: 1 },
  );

  return {
    shape,
    columns,
    dictionary,
    contentType: writer.contentType,
    filename,
    expectedRows: q.after ? null : Math.min(shape.rows, q.limit ?? shape.rows),
    stream,
    done,
  };
}
