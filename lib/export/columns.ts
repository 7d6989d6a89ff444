/**
 * The export's columns: one flat table, the same columns in the same order in CSV, Parquet and
 * NDJSON. Embeddings are one column per dimension (`fused_emb_000` …), typed DOUBLE, so every
 * format holds the exact stored value and a CSV reader needs no list parsing.
 */
import type { ColumnGroup } from "./query";
import { ENCODER_VERSION, FEATURES, encodeFeatures, type FeatureRecord } from "./features";
import { MODEL_ENCODER_VERSION, MODEL_FEATURE_COLUMNS, encodeModelFeatures } from "./model-features";
import { LABEL_RULES, outcomeLabels } from "./labels";
import { applyBasicProfile } from "./dicom-profile";
import { HeadScore, StoredEmbeddings } from "@/lib/domain/assessment";
import type { ExportCohort } from "@/lib/domain/responses";
import { bodyPartOf, finiteNumber, knownTransferSyntaxName, modalityTerm, oneOf, photometricTerm, plainToken, SEXES, STRATEGIES } from "./allow-list";

/** `float_list`: LIST<FLOAT> (Parquet only) — the training snapshot's preprocessed image input (lib/training) */
export type ColumnType = "string" | "int32" | "double" | "float_list";
export type Cell = string | number | null | ArrayLike<number>;
/**
 * CSV fast path: a run of embedding cells already written as CSV text (the stored JSON array's
 * numbers, comma-separated, exactly as the database holds them — no parse, no re-format).
 */
export type RawCsv = { csv: string };
/**
 * An embedding block as the database returned it — the JSON text of one list of numbers, or null —
 * standing for the block's `dims` columns. Each writer renders it in one go (CSV and NDJSON copy
 * the stored digits, Parquet parses them straight into its column buffers) instead of going
 * through one cell per dimension.
 */
export type RawList = { list: string | null; dims: number; part: EmbeddingPart };
export type OutCell = Cell | RawCsv | RawList;

export type ColumnSpec = {
  name: string;
  type: ColumnType;
  unit: string | null;
  /** identifier | demographic | model | scan | tabular | outcome | image | fused */
  modality: string;
  group: ColumnGroup | "row" | "demographics";
  description: string;
  /** where the value comes from: table / encoder version / model version / fusion layer */
  source: string;
  /** the de-identification applied to this column */
  deid: string;
  /** why a value of this column cannot carry an identifier (data dictionary; required for every column) */
  whyNoIdentifier: string;
};

/** What the cohort contains, learned before streaming (the column set depends on it). */
export type CohortShape = ExportCohort & { rows: number };

/** The parts of the stored embeddings (lib/domain/assessment.ts StoredEmbeddings). */
export type EmbeddingPart = keyof StoredEmbeddings;
export const EMBEDDING_PARTS: EmbeddingPart[] = StoredEmbeddings.keyof().options;

export const embName = (part: EmbeddingPart, i: number) => `${part}_emb_${String(i).padStart(3, "0")}`;

/** One assessment as the page query returns it. */
export type SourceRow = {
  id: string;
  patientId: string;
  modelName: string;
  modelVersion: string;
  strategy: string;
  year: number;
  age: number;
  asOf: string;
  sex: string;
  modality: string | null;
  bodyPart: string | null;
  rows: number | null;
  columns: number | null;
  frames: number | null;
  photometric: string | null;
  transferSyntax: string | null;
  /** Assessment.scores as stored (lib/domain/assessment.ts StoredScores) */
  scores: unknown;
  embImage: string | null;
  embTabular: string | null;
  embFused: string | null;
  /** the whole embeddings JSON (when two or more parts are exported) */
  embAll?: string | null;
};

/**
 * Splits the text of an embeddings object (`{"fused": [...], "image": null, ...}`) into the text
 * of each part without parsing the numbers. Parts are flat lists of numbers, so each list ends at
 * the first `]`. Anything unexpected falls back to JSON.parse + JSON.stringify.
 */
export function splitEmbeddings(text: string | null | undefined): Record<EmbeddingPart, string | null> {
  const out: Record<EmbeddingPart, string | null> = { image: null, tabular: null, fused: null };
  if (!text || text === "null") return out;
  if (!text.startsWith('{"') || text.indexOf('": ') < 0) return fallbackSplit(text); // not jsonb's canonical text
  for (const part of EMBEDDING_PARTS) {
    const key = `"${part}": `;
    const i: number = text.indexOf(key);
    if (i < 0) continue;
    const v: number = i + key.length;
    if (text.startsWith("null", v)) continue;
    if (text[v] !== "[") return fallbackSplit(text);
    const end: number = text.indexOf("]", v);
    if (end < 0) return fallbackSplit(text);
    out[part] = text.slice(v, end + 1);
  }
  return out;
}

function fallbackSplit(text: string): Record<EmbeddingPart, string | null> {
  const o = JSON.parse(text) as Record<string, unknown>;
  const s = (v: unknown) => (Array.isArray(v) ? JSON.stringify(v) : null);
  return { image: s(o.image), tabular: s(o.tabular), fused: s(o.fused) };
}

export type RowContext = {
  rowKey: (assessmentId: string) => string;
  pseudonym: (patientId: string) => string;
  record: (patientId: string) => FeatureRecord | undefined;
  today: string;
};

const modelSource = (shape: CohortShape) =>
  shape.models.length ? [...new Set(shape.models.map((m) => `${m.name}@${m.version}`))].join(", ") : "(no assessments in the cohort)";

/**
 * Why no column can carry an identifier. Every column gets one of these (a test walks every
 * group and fails on a column without one); the data dictionary and the README print them.
 */
const WHY = {
  rowKey: "32 hex digits computed from a random UUID the server generated; nothing about the person goes in, and it cannot be reversed without the export secret",
  pseudonym: "32 hex digits of an HMAC over a random UUID the server generated; no name, MRN, date or other fact about the person goes in",
  modelToken: "names the model bundle an administrator installed (not patient data, not a file or form value); written only as one plain token (letters, digits, . _ + -, at most 64), otherwise empty",
  strategy: "database enum with five values (joint, early, late, image_only, tabular_only)",
  sex: "database enum with four values (female, male, other, unknown)",
  age: "an integer 0–90 computed in the database; over 89 is written as 90; the birth date is never read into Node",
  year: "a four-digit year computed in the database; no day or month",
  modality: "written only when it is one of the DICOM modality defined terms (PS3.3 C.7.3.1.1.1), otherwise empty: the header or form value never passes as text",
  bodyPart: "one of the 97 DICOM CID 4031 defined terms (lib/dicom/body-part.ts), otherwise empty: the header or form value never passes as text",
  bodyPartSnomed: "one of the 97 SNOMED CT codes of the same table, looked up from the term, never the stored text",
  integer: "an integer column of the database (image matrix size), not text",
  photometric: "written only when it is one of the PS3.3 photometric interpretation defined terms, otherwise empty",
  transferSyntax: "the standard name from the server's table of known transfer syntaxes; an unknown UID (which a header could fill with anything) is written empty, never echoed",
  feature: "a number the encoder computes from codes, counts and dates (flags, durations, means, z-scores); no text, date or relative's age is written",
  probability: "a number 0–1 the model computed (HeadScore schema); anything else leaves the head's cells empty",
  category: "one of low, moderate, high: a stored score is read with the stored-assessment schema (lib/domain/assessment.ts HeadScore), and one that does not match leaves the head's four cells empty. The head name in the column name comes from the model bundle and must be a lower-case identifier",
  label: "0, 1 or empty, computed from coded conditions and dates; no code, date or text is written",
  embedding: "a finite number the model computed; a stored list is copied only when it is a plain list of JSON numbers, otherwise parsed and each value checked",
} as const;

export function buildColumns(shape: CohortShape, groups: readonly ColumnGroup[]): ColumnSpec[] {
  const want = new Set(groups);
  const models = modelSource(shape);
  const cols: ColumnSpec[] = [
    { name: "row_key", type: "string", unit: null, modality: "identifier", group: "row", description: "Opaque key of the assessment row; pass the last one received as `after` to resume", source: "Assessment.id", deid: "AES-256 keyed permutation of the internal id under the export secret (not reversible without it)", whyNoIdentifier: WHY.rowKey },
    { name: "patient_pseudonym", type: "string", unit: null, modality: "identifier", group: "row", description: "Stable pseudonym of the patient (same secret → same pseudonym in every export)", source: "Patient.id", deid: "HMAC-SHA-256(export secret, patient id), first 128 bits, hex", whyNoIdentifier: WHY.pseudonym },
    { name: "model_name", type: "string", unit: null, modality: "model", group: "row", description: "Model that produced the assessment", source: "Assessment.modelName", deid: "none (not patient data); plain-token check", whyNoIdentifier: WHY.modelToken },
    { name: "model_version", type: "string", unit: null, modality: "model", group: "row", description: "Model version", source: "Assessment.modelVersion", deid: "none (not patient data); plain-token check", whyNoIdentifier: WHY.modelToken },
    { name: "fusion_strategy", type: "string", unit: null, modality: "model", group: "row", description: "Fusion strategy: joint, early, late, image_only, tabular_only", source: "Assessment.strategy", deid: "none (not patient data)", whyNoIdentifier: WHY.strategy },
    { name: "sex", type: "string", unit: null, modality: "demographic", group: "demographics", description: "Administrative sex: female, male, other, unknown", source: "Patient.sex", deid: "kept (not a Safe Harbor identifier)", whyNoIdentifier: WHY.sex },
    { name: "age_years", type: "int32", unit: "years", modality: "demographic", group: "demographics", description: "Age in whole years on the assessment date; 90 means 90 or older", source: "Patient.birthDate, Assessment.createdAt", deid: "birth date never exported; ages over 89 top-coded to 90 (Safe Harbor)", whyNoIdentifier: WHY.age },
    { name: "assessment_year", type: "int32", unit: "year", modality: "demographic", group: "demographics", description: "Calendar year of the assessment (UTC)", source: "Assessment.createdAt", deid: "year only (Safe Harbor: no day or month)", whyNoIdentifier: WHY.year },
  ];
  if (want.has("scan")) {
    const scanDeid = "DICOM PS3.15 basic profile (kept attributes only) ∩ technical allow-list; no UIDs, dates, names or descriptions";
    cols.push(
      { name: "scan_modality", type: "string", unit: null, modality: "scan", group: "scan", description: "DICOM Modality (0008,0060) defined term (PS3.3 C.7.3.1.1.1); empty for tabular-only assessments and when the stored value is not a defined term", source: "Scan.modality (DICOM header or upload form)", deid: `${scanDeid}; allow-list of DICOM modality defined terms`, whyNoIdentifier: WHY.modality },
      { name: "scan_body_part", type: "string", unit: null, modality: "scan", group: "scan", description: "Body Part Examined (0018,0015) as a DICOM CID 4031 \"Common Anatomic Region\" defined term (e.g. CHEST); empty when the stored value is not one of them", source: "Scan.bodyPart (DICOM header or upload form)", deid: `${scanDeid}; mapped to the CID 4031 vocabulary (case, spaces, code meanings normalised), anything else dropped`, whyNoIdentifier: WHY.bodyPart },
      { name: "scan_body_part_snomed", type: "string", unit: "SNOMED CT concept id", modality: "scan", group: "scan", description: "SNOMED CT code of scan_body_part (DICOM PS3.16 Annex L, Table L-1)", source: "lib/dicom/body-part.ts, from Scan.bodyPart", deid: "a code from a fixed table of 97, never the stored text", whyNoIdentifier: WHY.bodyPartSnomed },
      { name: "scan_rows", type: "int32", unit: "pixels", modality: "scan", group: "scan", description: "Rows (0028,0010)", source: "Scan.rows", deid: scanDeid, whyNoIdentifier: WHY.integer },
      { name: "scan_columns", type: "int32", unit: "pixels", modality: "scan", group: "scan", description: "Columns (0028,0011)", source: "Scan.columns", deid: scanDeid, whyNoIdentifier: WHY.integer },
      { name: "scan_frames", type: "int32", unit: "frames", modality: "scan", group: "scan", description: "Number of Frames (0028,0008)", source: "Scan.frames", deid: scanDeid, whyNoIdentifier: WHY.integer },
      { name: "scan_photometric", type: "string", unit: null, modality: "scan", group: "scan", description: "Photometric Interpretation (0028,0004) defined term (PS3.3 C.7.6.3.1.2); empty when the stored value is not one", source: "Scan.photometricInterpretation (DICOM header, or from the decoded PNG/JPEG)", deid: `${scanDeid}; allow-list of defined terms`, whyNoIdentifier: WHY.photometric },
      { name: "scan_transfer_syntax", type: "string", unit: null, modality: "scan", group: "scan", description: "Transfer syntax name (from (0002,0010)); empty when the UID is not a known transfer syntax", source: "Scan.transferSyntaxUid", deid: `${scanDeid}; names of known transfer syntaxes only`, whyNoIdentifier: WHY.transferSyntax },
    );
  }
  if (want.has("features"))
    for (const f of MODEL_FEATURE_COLUMNS)
      cols.push({ name: f.name, type: "double", unit: f.unit, modality: "tabular", group: "features", description: `${f.description} (encoder feature ${f.encoderName})`, source: `lib/fusion encoder ${MODEL_ENCODER_VERSION} (${f.block} block), as of the assessment date`, deid: f.encoderName === "hist.age" ? "from the top-coded age (over 89 → 90); birth date never read" : "derived flags, counts, durations and z-scores; no dates or free text", whyNoIdentifier: WHY.feature });
  if (want.has("record_summary"))
    for (const f of FEATURES)
      cols.push({ name: f.name, type: f.type, unit: f.unit, modality: "tabular", group: "record_summary", description: f.description, source: `export encoder ${ENCODER_VERSION} (${f.block} block), as of the assessment date`, deid: "derived counts, flags, durations and means only; no dates or free text", whyNoIdentifier: WHY.feature });
  if (want.has("scores"))
    for (const h of shape.heads) {
      const src = `Assessment.scores.${h} (model ${models}, fused output head)`;
      cols.push(
        { name: `score_${h}_probability`, type: "double", unit: "probability 0–1", modality: "fused", group: "scores", description: `Calibrated predicted probability of ${h}`, source: src, deid: "none (model output)", whyNoIdentifier: WHY.probability },
        { name: `score_${h}_lower`, type: "double", unit: "probability 0–1", modality: "fused", group: "scores", description: `Lower bound of the interval for ${h}`, source: src, deid: "none (model output)", whyNoIdentifier: WHY.probability },
        { name: `score_${h}_upper`, type: "double", unit: "probability 0–1", modality: "fused", group: "scores", description: `Upper bound of the interval for ${h}`, source: src, deid: "none (model output)", whyNoIdentifier: WHY.probability },
        { name: `score_${h}_category`, type: "string", unit: null, modality: "fused", group: "scores", description: `Risk category for ${h}: low, moderate or high`, source: src, deid: "none (model output); allow-list", whyNoIdentifier: WHY.category },
      );
    }
  if (want.has("labels"))
    for (const r of LABEL_RULES)
      cols.push({ name: `label_${r.head}`, type: "int32", unit: "0/1", modality: "outcome", group: "labels", description: `${r.description}: 1 yes, 0 no (horizon elapsed), empty = not yet known`, source: `Condition codes ${r.codes}, onset after the assessment date`, deid: "derived flag; no dates", whyNoIdentifier: WHY.label });
  const layer: Record<EmbeddingPart, string> = { image: "image encoder output (before fusion)", tabular: "tabular encoder output (before fusion)", fused: "fusion layer output (joint representation)" };
  for (const part of EMBEDDING_PARTS) {
    if (!want.has(`${part}_embedding`)) continue;
    for (let i = 0; i < shape.dims[part]; i++)
      cols.push({ name: embName(part, i), type: "double", unit: null, modality: part === "fused" ? "fused" : part, group: `${part}_embedding`, description: `${part} embedding, dimension ${i} of ${shape.dims[part]}`, source: `Assessment.embeddings.${part}[${i}], model ${models}, ${layer[part]}`, deid: "none needed (learned representation; no identifiers)", whyNoIdentifier: WHY.embedding });
  }
  return cols;
}

const num = finiteNumber;

/**
 * A head's four cells — probability, interval bounds, category — from the stored scores, read with
 * the stored-assessment schema (lib/domain/assessment.ts HeadScore); all four are empty when the
 * head has no score or its stored score does not match the schema.
 */
function scoreCells(scores: unknown, head: string): Cell[] {
  const s = HeadScore.safeParse(scores && typeof scores === "object" ? (scores as Record<string, unknown>)[head] : undefined);
  if (!s.success) return [null, null, null, null];
  return [s.data.probability, s.data.interval[0], s.data.interval[1], s.data.category];
}

function parseVector(text: string | null, dims: number, part: string): number[] | null {
  if (!text || text === "null") return null;
  const v = JSON.parse(text) as unknown;
  if (!Array.isArray(v)) return null;
  if (v.length > dims) throw tooLong(part, v.length, dims);
  return v as number[];
}

const tooLong = (part: string, n: number, dims: number) => new Error(`an assessment's ${part} embedding has ${n} dimensions, more than the ${dims} its model declares`);

/** One JSON number (RFC 8259), so a list that matches is valid CSV cells and valid JSON values. */
const JSON_NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const NUMERIC_LIST = new RegExp(`^\\[(?:${JSON_NUMBER}(?:, ?${JSON_NUMBER})*)?\\]$`);

/**
 * `[0.1, -2.5e-7, 3]` → `{ body: "0.1,-2.5e-7,3", n: 3 }` — the stored digits, unparsed; null when
 * the text is not a plain list of JSON numbers (then the caller parses it). Throws when the list
 * is longer than the block.
 */
export function numericListBody(text: string, dims: number, part: string): { body: string; n: number } | null {
  if (!NUMERIC_LIST.test(text)) return null;
  const body = text.length > 2 ? text.slice(1, -1).replaceAll(" ", "") : "";
  let n = body ? 1 : 0;
  for (let i = body.indexOf(","); i >= 0; i = body.indexOf(",", i + 1)) n++;
  if (n > dims) throw tooLong(part, n, dims);
  return { body, n };
}

/**
 * `[0.1, -2.5e-7, 3]` → `0.1,-2.5e-7,3` padded with empty fields to `dims`; null when the text is
 * not a plain list of numbers (then the caller takes the parsing path).
 */
export function embeddingCsv(text: string | null, dims: number, part: string): string | null {
  if (!text || text === "null") return dims ? ",".repeat(dims - 1) : "";
  const l = numericListBody(text, dims, part);
  if (!l) return null;
  return l.n === 0 ? ",".repeat(Math.max(0, dims - 1)) : l.n === dims ? l.body : l.body + ",".repeat(dims - l.n);
}

/** A RawList as CSV text: the stored digits when it is a plain list, else the parsed numbers. */
export function rawListCsv(c: RawList): string {
  const csv = embeddingCsv(c.list, c.dims, c.part);
  if (csv !== null) return csv;
  const v = parseVector(c.list, c.dims, c.part);
  let s = "";
  for (let i = 0; i < c.dims; i++) {
    const x = v ? num(v[i]) : null;
    s += (i ? "," : "") + (x === null ? "" : String(x));
  }
  return s;
}

/** A RawList's parsed list (null when there is none); throws when it is longer than the block. */
export function rawListParsed(c: RawList): unknown[] | null {
  return parseVector(c.list, c.dims, c.part);
}

/** A RawList's values, `dims` long (null where missing), as the parsing path gives them. */
export function rawListValues(c: RawList): (number | null)[] {
  const v = parseVector(c.list, c.dims, c.part);
  const out: (number | null)[] = new Array(c.dims);
  for (let i = 0; i < c.dims; i++) out[i] = v ? num(v[i]) : null;
  return out;
}

export const isRawList = (v: OutCell): v is RawList => v !== null && typeof v === "object" && "list" in v;

/**
 * Turns a source row into cells, in column order. Nothing identifying is read from the source row.
 * With `rawLists`, each embedding block is one RawList cell (see the writers); without it, one
 * cell per dimension.
 */
export function makeRowEncoder(shape: CohortShape, groups: readonly ColumnGroup[], opts: { rawLists?: boolean } = {}) {
  const want = new Set(groups);
  const parts = EMBEDDING_PARTS.filter((p) => want.has(`${p}_embedding`));
  const scan = want.has("scan");
  const features = want.has("features");
  const summary = want.has("record_summary");
  const labels = want.has("labels");
  const scores = want.has("scores");
  return (r: SourceRow, ctx: RowContext): OutCell[] => {
    const out: OutCell[] = [ctx.rowKey(r.id), ctx.pseudonym(r.patientId), plainToken(r.modelName), plainToken(r.modelVersion), oneOf(STRATEGIES, r.strategy), oneOf(SEXES, r.sex), Math.min(90, r.age), r.year];
    if (scan) {
      const a = applyBasicProfile({ Modality: r.modality, BodyPartExamined: r.bodyPart, Rows: r.rows, Columns: r.columns, NumberOfFrames: r.frames, PhotometricInterpretation: r.photometric, TransferSyntaxUID: r.transferSyntax });
      // free text never passes: every text value is a member of a fixed vocabulary or empty
      const bp = bodyPartOf(typeof a.BodyPartExamined === "string" ? a.BodyPartExamined : null);
      const int = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : null);
      out.push(modalityTerm(a.Modality), bp?.term ?? null, bp?.snomed ?? null, int(a.Rows), int(a.Columns), int(a.NumberOfFrames), photometricTerm(a.PhotometricInterpretation), knownTransferSyntaxName(a.TransferSyntaxUID));
    }
    const rec = features || summary || labels ? ctx.record(r.patientId) : undefined;
    if (features) {
      if (rec) out.push(...encodeModelFeatures(rec, r.asOf, Math.min(90, r.age)));
      else for (let i = 0; i < MODEL_FEATURE_COLUMNS.length; i++) out.push(null);
    }
    if (summary) {
      if (rec) out.push(...encodeFeatures(rec, r.asOf));
      else for (let i = 0; i < FEATURES.length; i++) out.push(null);
    }
    if (scores) for (const h of shape.heads) out.push(...scoreCells(r.scores, h));
    if (labels) out.push(...outcomeLabels(rec?.conditions ?? [], r.asOf, ctx.today));
    const split = r.embAll != null ? splitEmbeddings(r.embAll) : null;
    for (const part of parts) {
      const dims = shape.dims[part];
      const text = split ? split[part] : part === "image" ? r.embImage : part === "tabular" ? r.embTabular : r.embFused;
      if (opts.rawLists && dims) {
        out.push({ list: text === "null" ? null : text, dims, part });
        continue;
      }
      const v = parseVector(text, dims, part);
      for (let i = 0; i < dims; i++) out.push(v ? num(v[i]) : null);
    }
    return out;
  };
}
