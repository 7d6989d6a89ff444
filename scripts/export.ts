// npm run export -- --format parquet --out cohort.parquet [filters] [--columns scores,fused_embedding]
//                   [--after <row_key>] [--limit n] [--by <name>]
//
// The CLI twin of GET /api/export for batch jobs on the server: the same filters, columns,
// de-identification, pseudonyms (FUSION_EXPORT_SECRET, else FUSION_DATA_DIR/export-secret — run it
// with the server's FUSION_DATA_DIR) and audit trail (source "cli", user
// "cli:<--by or the OS user>"). Writes the file and its data dictionary beside it
// (<out>.dictionary.json and <out>.dictionary.md), then prints rows, bytes and the SHA-256.
//
// Exit codes: 0 written; 1 failed; 2 usage; 3 refused: the cohort has fewer patients than
// FUSION_MIN_CELL_SIZE (default 11) — nothing is written, the refusal is audited (export.refused).
//
// Filters (repeat a flag or separate values with commas):
//   --condition I20-I25,E11   --family-history C34   --age-min 50 --age-max 90   --sex female
//   --modality CT|none        --from 2025-01-01 --to 2025-12-31   --model fusion-joint
//   --model-version 1.0.0     --strategy joint,late
import { parseArgs } from "node:util";
import { createWriteStream, writeFileSync, renameSync, rmSync } from "node:fs";
import { userInfo } from "node:os";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDb } from "@/lib/db/client";
import { databaseConfig } from "@/lib/db/config";
import { exitIfDataDirLocked } from "@/lib/db/data-dir-lock";
import { AppError } from "@/lib/domain/errors";
import { parseOrThrow } from "@/lib/domain/validate";
import { dictionaryMarkdown } from "@/lib/export/dictionary";
import { ExportQuery } from "@/lib/export/query";
import { openExport } from "@/lib/export/stream";
import { closeExportPools, exportSource } from "@/lib/export/source";
import { auditRefusal } from "@/lib/export/refusal";

const multi = { type: "string", multiple: true } as const;
const { values } = parseArgs({
  options: {
    format: { type: "string", default: "csv" },
    out: { type: "string", short: "o" },
    columns: { type: "string" },
    after: { type: "string" },
    limit: { type: "string" },
    header: { type: "string" },
    by: { type: "string" },
    condition: multi,
    "family-history": multi,
    "age-min": { type: "string" },
    "age-max": { type: "string" },
    sex: multi,
    modality: multi,
    from: { type: "string" },
    to: { type: "string" },
    model: { type: "string" },
    "model-version": { type: "string" },
    strategy: multi,
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help || !values.out) {
  console.log(
    "Usage: npm run export -- --out FILE [--format csv|parquet|ndjson] [--columns features,scan,scores,labels,image_embedding,tabular_embedding,fused_embedding]\n" +
      "         [--condition I20-I25] [--family-history C34] [--age-min N] [--age-max N] [--sex female] [--modality CT|none]\n" +
      "         [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--model NAME] [--model-version V] [--strategy joint,late]\n" +
      "         [--after ROW_KEY] [--limit N] [--header 0] [--by NAME]\n" +
      "Writes FILE, FILE.dictionary.json and FILE.dictionary.md. Pseudonyms use FUSION_EXPORT_SECRET, else the secret in FUSION_DATA_DIR/export-secret.\n" +
      "Exit codes: 0 written, 1 failed, 2 usage, 3 refused (fewer than FUSION_MIN_CELL_SIZE patients).",
  );
  process.exit(values.help ? 0 : 2);
}

const raw: Record<string, unknown> = {
  format: values.format,
  columns: values.columns,
  after: values.after,
  limit: values.limit,
  header: values.header,
  condition: values.condition,
  familyHistory: values["family-history"],
  ageMin: values["age-min"],
  ageMax: values["age-max"],
  sex: values.sex,
  modality: values.modality,
  from: values.from,
  to: values.to,
  model: values.model,
  modelVersion: values["model-version"],
  strategy: values.strategy,
};
for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];

const out = values.out;
const cfg = databaseConfig();
const db = await createDb(cfg).catch(exitIfDataDirLocked("export"));
let code = 0;
const who = `cli:${values.by ?? userInfo().username}`;
const request = { clientAddress: null, userAgent: "fusion-cds export cli", source: "cli" };
let opened = false;
try {
  const q = parseOrThrow(ExportQuery, raw, "export options");
  const x = await openExport(q, { db: db.prisma, sql: exportSource(db), actor: null, username: who, request });
  opened = true;
  writeFileSync(`${out}.dictionary.json`, JSON.stringify(x.dictionary, null, 2));
  writeFileSync(`${out}.dictionary.md`, dictionaryMarkdown(x.dictionary));
  const tmp = `${out}.partial`;
  try {
    await pipeline(Readable.fromWeb(x.stream as never), createWriteStream(tmp));
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const s = await x.done;
  console.log(
    `export (${cfg.kind}): ${s.rows} rows, ${x.columns.length} columns, ${s.bytes} bytes → ${out} in ${(s.durationMs / 1000).toFixed(1)} s\n` +
      `  sha256 ${s.sha256}\n  dictionary ${out}.dictionary.json, ${out}.dictionary.md\n  audited as ${who}`,
  );
} catch (e) {
  // refused before the export opened (bad options; openExport audits its own): export.refused.
  // Failures after it opened are its export.create row (outcome failure).
  if (!opened) await auditRefusal(db.prisma, { actor: null, username: who, request }, e, { endpoint: "cli" });
  code = e instanceof AppError && e.code === "cohort_too_small" ? 3 : 1;
  console.error(e instanceof AppError ? `export ${code === 3 ? "refused" : "failed"} (${e.code}): ${e.message}` : `export failed: ${(e as Error).message}`);
} finally {
  await closeExportPools();
  await db.close();
}
process.exit(code);
