/**
 * The data dictionary shipped with every export (JSON and Markdown): each column's name, type,
 * unit, modality, source and de-identification, plus the export-wide rules. The HTTP API serves it
 * at /api/export/dictionary, the CLI writes it beside the file, and Parquet files carry the JSON in
 * their footer (key-value metadata `fusion_cds.dictionary`).
 */
import type { CohortShape, ColumnSpec } from "./columns";
import type { ExportFilters, ExportFormat } from "./query";
import { ENCODER_VERSION } from "./features";
import { MODEL_ENCODER_VERSION } from "./model-features";
import { publicCohort, type PublicCohort } from "./small-cells";

export const EXPORT_SPEC_VERSION = "fusion-cds-export/1";

const PARQUET: Record<ColumnSpec["type"], string> = { string: "BYTE_ARRAY (UTF8), optional", int32: "INT32, optional", double: "DOUBLE, optional", float_list: "LIST<FLOAT>, optional" };

export const DEID_RULES = [
  "HIPAA Safe Harbor (45 CFR 164.514(b)(2)): none of the 18 identifiers is exported.",
  "Names, MRNs, addresses, contact details, free-text notes and account data are never read into an export row.",
  "Dates: only the assessment year is exported; birth, onset, diet and scan dates are used inside the database to derive ages, durations and flags but never written.",
  "Ages: whole years; every age over 89 is written as 90 (meaning 90 or older), and the age filter treats 90 the same way.",
  "Patients are identified by patient_pseudonym = HMAC-SHA-256 of the internal patient id under the server's export secret (FUSION_EXPORT_SECRET): stable across exports with the same secret, unlinkable without it, not derived from any fact about the person.",
  "Rows are identified by row_key, an AES-256 keyed permutation of the internal assessment id under the same secret (used to resume an export).",
  "No DICOM UIDs (study, series, SOP instance, frame of reference) are exported, not even hashed ones.",
  "DICOM attributes: only technical attributes (modality, body part, rows, columns, frames, photometric interpretation, transfer syntax) are exported, and only when the DICOM PS3.15 Annex E Basic Application Level Confidentiality Profile keeps them.",
  "No free text: every text cell is a member of a fixed vocabulary or empty. Body part is a DICOM CID 4031 defined term with its SNOMED CT code (PS3.16 Table L-1); modality and photometric interpretation are DICOM defined terms; transfer syntax is the name of a known transfer syntax; model names and versions are plain tokens; risk categories are low, moderate or high. A value from a file header or an upload form that is not in its vocabulary is written empty, never as text.",
  "Each column's whyNoIdentifier says why a value of that column cannot carry an identifier.",
  "Small cells: a cohort with fewer distinct patients than the server's threshold (FUSION_MIN_CELL_SIZE, default 11) cannot be exported, and counts below the threshold are shown as \"<11\". Counts of different filters can still be subtracted from each other: release results, not row-level data, for cells under 11.",
  "Embeddings and scores are model outputs; they carry no identifiers.",
];

export type Dictionary = {
  spec: string;
  generatedAt: string;
  format: ExportFormat | null;
  filters: ExportFilters;
  /** sizes as shown to researchers: counts below the threshold are "<k" (small-cells.ts) */
  cohort: PublicCohort;
  encoderVersion: string | null;
  summaryEncoderVersion: string;
  layout: string;
  ordering: string;
  resume: string;
  integrity: string;
  deidentification: string[];
  columns: (Omit<ColumnSpec, "group"> & { group: string; parquetType: string })[];
};

export function buildDictionary(input: { shape: CohortShape; columns: ColumnSpec[]; filters: ExportFilters; format: ExportFormat | null; minCellSize: number; now?: Date }): Dictionary {
  return {
    spec: EXPORT_SPEC_VERSION,
    generatedAt: (input.now ?? new Date()).toISOString(),
    format: input.format,
    filters: input.filters,
    cohort: publicCohort(input.shape, input.minCellSize),
    encoderVersion: MODEL_ENCODER_VERSION,
    summaryEncoderVersion: ENCODER_VERSION,
    layout:
      "One row per finished assessment. CSV, Parquet and NDJSON carry the same columns in the same order. Embeddings are one DOUBLE column per dimension (image_emb_000…, tabular_emb_000…, fused_emb_000…); a row whose model has fewer dimensions, or no image, leaves the rest empty (null).",
    ordering: "Rows are ordered by the internal assessment id (a random UUID, so the order carries no information).",
    resume:
      "Pass the row_key of the last row you received as `after` (with the same filters and columns) to continue after it; `limit` splits an export into parts. CSV and NDJSON parts can be appended (use header=0 for CSV); Parquet parts are complete files.",
    integrity:
      "The server records, in the audit trail, a SHA-256 of exactly the bytes it sent in the response body (for a resumed part: that part only), the row count and the byte count. The same values are returned at the end of a CLI run.",
    deidentification: DEID_RULES,
    columns: input.columns.map((c) => ({ ...c, parquetType: PARQUET[c.type] })),
  };
}

const mdCell = (s: string | null) => (s ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");

export function dictionaryMarkdown(d: Dictionary): string {
  const lines: string[] = [];
  lines.push(`# Fusion CDS research export — data dictionary`, "");
  lines.push(`- Spec: \`${d.spec}\``, `- Generated: ${d.generatedAt}`, `- Format: ${d.format ?? "any (csv, parquet, ndjson)"}`);
  lines.push(`- Cohort: ${d.cohort.assessments} assessments of ${d.cohort.patients} patients${d.cohort.exportable ? "" : ` — fewer than ${d.cohort.minCellSize} patients: too few to export`}`);
  for (const m of d.cohort.models) lines.push(`  - model \`${m.name}\` version \`${m.version}\` (${m.strategy}): ${m.rows} rows`);
  lines.push(`- Tabular features: model encoder \`${d.encoderVersion ?? "not available"}\`; record summary \`${d.summaryEncoderVersion}\``);
  const f = Object.entries(d.filters).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length));
  lines.push(`- Filters: ${f.length ? f.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : String(v)}`).join("; ") : "none (all finished assessments)"}`, "");
  lines.push(`## Layout`, "", d.layout, "", d.ordering, "", `## Resuming`, "", d.resume, "", `## Integrity`, "", d.integrity, "");
  lines.push(`## De-identification`, "", ...d.deidentification.map((r) => `- ${r}`), "");
  lines.push(`## Columns (${d.columns.length})`, "");
  lines.push(`| # | name | type | unit | modality | source | description | de-identification | why it cannot carry an identifier |`, `|---|---|---|---|---|---|---|---|---|`);
  d.columns.forEach((c, i) => lines.push(`| ${i + 1} | \`${c.name}\` | ${c.type} | ${mdCell(c.unit)} | ${c.modality} | ${mdCell(c.source)} | ${mdCell(c.description)} | ${mdCell(c.deid)} | ${mdCell(c.whyNoIdentifier)} |`));
  return lines.join("\n") + "\n";
}
