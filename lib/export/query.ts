/**
 * The research export request: cohort filters, the columns wanted, the file format and the resume
 * position. One zod schema serves the HTTP API (query string), the CLI and the cohort builder.
 * Pure (no Node or server imports) so the client page can share the constants.
 */
import { z } from "zod";
import { isoDate } from "@/lib/domain/common";
import { sexValues } from "@/lib/domain/patient";

export const exportFormats = ["csv", "parquet", "ndjson"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const strategyValues = ["joint", "early", "late", "image_only", "tabular_only"] as const;

/**
 * Column groups a researcher can pick. `row` (row key, patient pseudonym, model, strategy) and
 * `demographics` (sex, age, assessment year) are always included.
 */
export const columnGroups = ["features", "record_summary", "scan", "scores", "labels", "image_embedding", "tabular_embedding", "fused_embedding"] as const;
export type ColumnGroup = (typeof columnGroups)[number];

export const columnGroupLabels: Record<ColumnGroup, string> = {
  features: "Tabular features as the model saw them (fusion encoder vector)",
  record_summary: "Record summary in natural units (history flags, family history, diet means)",
  scan: "Scan technical attributes (modality, body part, size)",
  scores: "Risk scores (probability, interval, category per head)",
  labels: "Outcome labels (where known)",
  image_embedding: "Image embedding",
  tabular_embedding: "Tabular embedding",
  fused_embedding: "Fused embedding",
};

/** A value given once, repeated (`?sex=male&sex=female`) or comma-separated (`?sex=male,female`). */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    if (v === undefined || v === null || v === "") return undefined;
    const arr = Array.isArray(v) ? v : [v];
    return arr.flatMap((x) => (typeof x === "string" ? x.split(",") : [x])).map((x) => (typeof x === "string" ? x.trim() : x)).filter((x) => x !== "");
  }, z.array(item).max(50, "at most 50 values").optional());

const boundedText = z.string().trim().min(1).max(100, "must be 100 characters or fewer");

export const ExportFilters = z
  .strictObject({
    /** condition code terms (see codes.ts): `I20-I25`, `I25`, `E11.9`, `SNOMED:<id>` */
    condition: list(z.string().max(40)),
    /** family-history code terms, same syntax */
    familyHistory: list(z.string().max(40)),
    /** age at the assessment, whole years, inclusive; 90 means "90 or older" */
    ageMin: z.coerce.number().int().min(0).max(90).optional(),
    ageMax: z.coerce.number().int().min(0).max(90).optional(),
    sex: list(z.enum(sexValues, { message: `must be one of ${sexValues.join(", ")}` })),
    /** scan modality (DICOM Modality, e.g. CT, MR, CR); `none` selects tabular-only assessments */
    modality: list(z.string().trim().regex(/^([A-Za-z]{2,4}|none)$/, "must be a DICOM modality such as CT or MR, or none")),
    /** assessment date range (inclusive, YYYY-MM-DD) */
    from: isoDate.optional(),
    to: isoDate.optional(),
    model: boundedText.optional(),
    modelVersion: boundedText.optional(),
    strategy: list(z.enum(strategyValues, { message: `must be one of ${strategyValues.join(", ")}` })),
  })
  .refine((f) => f.ageMin === undefined || f.ageMax === undefined || f.ageMin <= f.ageMax, { message: "ageMin must not exceed ageMax", path: ["ageMin"] })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "from must not be after to", path: ["from"] });
export type ExportFilters = z.infer<typeof ExportFilters>;

export const filterKeys = ["condition", "familyHistory", "ageMin", "ageMax", "sex", "modality", "from", "to", "model", "modelVersion", "strategy"] as const;

export const ExportRequest = z.strictObject({
  format: z.enum(exportFormats, { message: `must be one of ${exportFormats.join(", ")}` }).default("csv"),
  columns: list(z.enum(columnGroups, { message: `must be among ${columnGroups.join(", ")}` })),
  /** resume: the `row_key` of the last row already received; the export continues after it */
  after: z.string().trim().regex(/^[0-9a-f]{32}$/, "must be a row_key from an earlier export (32 hex digits)").optional(),
  /** at most this many rows (split a large export into parts) */
  limit: z.coerce.number().int().min(1).max(10_000_000).optional(),
  /** CSV only: `header=0` leaves out the header line (when appending a resumed part) */
  header: z.enum(["0", "1"]).default("1"),
});

/** GET /api/export/dictionary?as=…: the dictionary as JSON or as Markdown. */
export const dictionaryAsValues = ["json", "md"] as const;
export const DictionaryAs = z.enum(dictionaryAsValues, { message: "must be json or md" }).default("json");

/** Query object → { request, filters } (unknown keys are refused, so typos do not silently widen a cohort). */
export const ExportQuery = z
  .record(z.string(), z.unknown())
  .transform((q, ctx) => {
    const reqKeys = new Set(["format", "columns", "after", "limit", "header"]);
    const req: Record<string, unknown> = {};
    const fil: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(q)) (reqKeys.has(k) ? req : fil)[k] = v;
    const r = ExportRequest.safeParse(req);
    const f = ExportFilters.safeParse(fil);
    for (const e of [r.error, f.error]) for (const i of e?.issues ?? []) ctx.addIssue({ ...i, code: "custom", message: i.message } as never);
    if (!r.success || !f.success) return z.NEVER;
    return { ...r.data, columns: r.data.columns ?? [...columnGroups], filters: f.data };
  });
export type ExportQuery = z.output<typeof ExportQuery>;

/** Filters → query string (the cohort builder and the dictionary link use it). */
export function filtersToParams(f: Partial<ExportFilters>, into = new URLSearchParams()): URLSearchParams {
  for (const k of filterKeys) {
    const v = f[k];
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) {
      if (v.length) into.set(k, v.join(","));
    } else into.set(k, String(v));
  }
  return into;
}
