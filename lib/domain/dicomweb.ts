import { z } from "zod";
import { isoDate, uuid } from "./common";
import { id, timestamp } from "./scalars";
import { DicomwebAuth, dicomwebAuthValues } from "./enums";

export { dicomwebAuthValues };

/**
 * DICOMweb (PS3.18) inputs: path UIDs, QIDO-RS query keys, PACS sources an admin configures, the
 * clinician's PACS query and import, and sending a result back as a Structured Report.
 */

/** A DICOM UID (PS3.5 §9): digits and dots, at most 64 characters, no leading zero in a component. */
export const dicomUid = z
  .string()
  .max(64, { message: "a DICOM UID has at most 64 characters" })
  .regex(/^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/, { message: "must be a DICOM UID (digits and dots, e.g. 1.2.840.10008.1.2.1)" });

export const StudyParams = z.object({ study: dicomUid });
export const SeriesParams = z.object({ study: dicomUid, series: dicomUid });
export const InstanceParams = z.object({ study: dicomUid, series: dicomUid, instance: dicomUid });
/** Frame numbers in the URL: "1" or "1,3,5" (1-based, at most 256 at once). */
export const FrameList = z
  .string()
  .regex(/^[1-9][0-9]{0,6}(,[1-9][0-9]{0,6}){0,255}$/, { message: "must be frame numbers from 1, separated by commas (e.g. 1 or 1,2,3)" })
  .transform((s) => s.split(",").map(Number));
export const FrameParams = InstanceParams.extend({ frames: FrameList });

/** DICOM date range (PS3.4 C.2.2.2.5): YYYYMMDD, YYYYMMDD-, -YYYYMMDD or YYYYMMDD-YYYYMMDD. */
const DA = /^\d{8}$/;
export const DicomDateRange = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => {
    const [a, b, ...rest] = s.split("-");
    if (rest.length) return false;
    if (b === undefined) return DA.test(a);
    return (a === "" || DA.test(a)) && (b === "" || DA.test(b)) && !(a === "" && b === "") && (a === "" || b === "" || a <= b);
  }, { message: "must be a DICOM date or range: YYYYMMDD, YYYYMMDD-, -YYYYMMDD or YYYYMMDD-YYYYMMDD" })
  .transform((s) => {
    const [a, b] = s.split("-");
    const iso = (d: string | undefined) => (d ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null);
    return b === undefined ? { from: iso(a), to: iso(a) } : { from: iso(a), to: iso(b) };
  });
export type DicomDateRange = z.output<typeof DicomDateRange>;

/** QIDO-RS levels and the attribute keys each accepts (by keyword or by tag, PS3.18 §8.3.4). */
export const QIDO_KEYS = {
  study: { PatientID: "00100020", PatientName: "00100010", StudyDate: "00080020", ModalitiesInStudy: "00080061", StudyInstanceUID: "0020000D", AccessionNumber: "00080050" },
  series: { Modality: "00080060", SeriesInstanceUID: "0020000E" },
  instance: { SOPInstanceUID: "00080018" },
} as const;
export type QidoLevel = "studies" | "series" | "instances";

const keysFor = (level: QidoLevel): Record<string, string> =>
  level === "studies"
    ? QIDO_KEYS.study
    : level === "series"
      ? { ...QIDO_KEYS.study, ...QIDO_KEYS.series }
      : { ...QIDO_KEYS.study, ...QIDO_KEYS.series, ...QIDO_KEYS.instance };

const listOfUids = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(dicomUid).min(1).max(100));
const text = z.string().max(64);

export const QidoQuery = z.strictObject({
  PatientID: text.optional(),
  /** case-insensitive; `*` and `?` are wildcards */
  PatientName: text.optional(),
  StudyDate: DicomDateRange.optional(),
  /** one or more modalities, comma-separated: studies having any of them */
  ModalitiesInStudy: z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Z0-9]{1,16}$/, { message: "a modality code, e.g. CT" })).min(1).max(32))
    .optional(),
  StudyInstanceUID: listOfUids.optional(),
  AccessionNumber: text.optional(),
  Modality: z.string().regex(/^[A-Za-z0-9]{1,16}$/, { message: "a modality code, e.g. CT" }).transform((s) => s.toUpperCase()).optional(),
  SeriesInstanceUID: listOfUids.optional(),
  SOPInstanceUID: listOfUids.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** accepted and ignored: every attribute this server keeps is always returned */
  includefield: z.union([z.string(), z.array(z.string())]).optional(),
  /** only exact (and wildcard) matching is supported; `true` is refused */
  fuzzymatching: z.enum(["false"], { message: "fuzzy matching is not supported (use false or leave it out)" }).optional(),
});
export type QidoQuery = z.output<typeof QidoQuery>;

/**
 * QIDO-RS query parameters → zod input: keys by tag ("00100020") become keywords; a key this level
 * does not support is reported as unknown (400). Repeated keys are refused (400) except includefield.
 */
export function normaliseQidoParams(level: QidoLevel, params: URLSearchParams): { input: Record<string, unknown>; unknown: string[] } {
  const allowed = keysFor(level);
  const byTag = new Map(Object.entries(allowed).map(([k, t]) => [t.toUpperCase(), k]));
  const input: Record<string, unknown> = {};
  const unknown: string[] = [];
  const control = new Set(["limit", "offset", "includefield", "fuzzymatching"]);
  for (const [rawKey, value] of params) {
    const key = byTag.get(rawKey.toUpperCase()) ?? rawKey;
    if (!control.has(key) && !(key in allowed)) {
      unknown.push(rawKey);
      continue;
    }
    if (key === "includefield") {
      const prev = input.includefield;
      input.includefield = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev as string]), value];
      continue;
    }
    if (key in input) {
      unknown.push(`${rawKey} (given twice)`);
      continue;
    }
    input[key] = value;
  }
  return { input, unknown };
}

// ---- PACS sources (admin) ----


const baseUrl = z
  .string()
  .trim()
  .max(2000)
  .url({ message: "must be an http(s) URL, e.g. http://pacs.example.org:8042/dicom-web" })
  .refine((u) => /^https?:\/\//i.test(u), { message: "must start with http:// or https://" })
  .transform((u) => u.replace(/\/+$/, ""));
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, { message: "an environment variable name (A–Z, 0–9, _)" });

export const DicomwebSourceCreate = z
  .strictObject({
    name: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9 ._-]+$/, { message: "letters, digits, space, . _ -" }),
    baseUrl,
    authType: DicomwebAuth.default("none"),
    username: z.string().max(256).nullable().optional(),
    /** the password (basic) or token (bearer): stored encrypted, never returned */
    secret: z.string().min(1).max(4096).nullable().optional(),
    /** or: the environment variable that holds it */
    secretEnv: envName.nullable().optional(),
    timeoutMs: z.number().int().min(1000).max(600_000).default(30_000),
    enabled: z.boolean().default(true),
  })
  .superRefine((v, ctx) => {
    if (v.secret && v.secretEnv) ctx.addIssue({ code: "custom", path: ["secretEnv"], message: "give the secret or the name of its environment variable, not both" });
    if (v.authType === "basic" && !v.username) ctx.addIssue({ code: "custom", path: ["username"], message: "is required for basic authentication" });
    if (v.authType !== "none" && !v.secret && !v.secretEnv) ctx.addIssue({ code: "custom", path: ["secret"], message: `is required for ${v.authType} authentication (or secretEnv)` });
  });
export type DicomwebSourceCreate = z.output<typeof DicomwebSourceCreate>;

export const DicomwebSourceUpdate = z.strictObject({
  name: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9 ._-]+$/, { message: "letters, digits, space, . _ -" }).optional(),
  baseUrl: baseUrl.optional(),
  authType: DicomwebAuth.optional(),
  username: z.string().max(256).nullable().optional(),
  secret: z.string().min(1).max(4096).nullable().optional(),
  secretEnv: envName.nullable().optional(),
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
  enabled: z.boolean().optional(),
  /** true: issue a new push token (shown once; the old one stops working); false: revoke it */
  pushToken: z.boolean().optional(),
});
export type DicomwebSourceUpdate = z.output<typeof DicomwebSourceUpdate>;

/** A source as answered: never its secret. */
export const DicomwebSourceView = z.strictObject({
  id,
  name: z.string(),
  baseUrl: z.string(),
  authType: DicomwebAuth,
  username: z.string().nullable(),
  /** a secret is configured (it is never returned) */
  hasSecret: z.boolean(),
  secretEnv: z.string().nullable(),
  timeoutMs: z.number().int(),
  enabled: z.boolean(),
  /** a push token exists (STOW-RS from this source) */
  pushEnabled: z.boolean(),
  pushTokenCreatedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type DicomwebSourceView = z.infer<typeof DicomwebSourceView>;
export const DicomwebSourceList = z.strictObject({ items: z.array(DicomwebSourceView) });
export type DicomwebSourceList = z.infer<typeof DicomwebSourceList>;
export const DicomwebSourceUpdated = DicomwebSourceView.extend({
  /** only in the answer that issued it: the push token, shown once (the server keeps its SHA-256) */
  pushToken: z.string().optional(),
});
export type DicomwebSourceUpdated = z.infer<typeof DicomwebSourceUpdated>;

// ---- clinician: query a PACS by MRN, import series, send a report ----

export const PacsQueryParams = z.strictObject({ source: uuid });
export type PacsQueryParams = z.output<typeof PacsQueryParams>;

export const PacsImportInput = z.strictObject({
  sourceId: uuid,
  studyInstanceUid: dicomUid,
  /** the series to import (all of the study's when left out) */
  seriesInstanceUids: z.array(dicomUid).min(1).max(500).optional(),
});
export type PacsImportInput = z.output<typeof PacsImportInput>;

export const SendReportInput = z.strictObject({
  sourceId: uuid,
  /** also send the saliency overlay as a Secondary Capture image (when the assessment has one) */
  saliencyCapture: z.boolean().default(false),
});
export type SendReportInput = z.output<typeof SendReportInput>;

// ---- answers ----

export const PacsSeries = z.strictObject({
  seriesInstanceUid: z.string(),
  modality: z.string().nullable(),
  description: z.string().nullable(),
  number: z.number().nullable(),
  /** instances the PACS reports (NumberOfSeriesRelatedInstances), when it does */
  instances: z.number().nullable(),
  /** instances of this series already stored for the patient */
  imported: z.number().int(),
});
export type PacsSeries = z.infer<typeof PacsSeries>;
export const PacsStudy = z.strictObject({
  studyInstanceUid: z.string(),
  date: isoDate.nullable(),
  description: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  modalities: z.array(z.string()),
  series: z.array(PacsSeries),
});
export type PacsStudy = z.infer<typeof PacsStudy>;
export const PacsQueryResult = z.strictObject({ source: z.strictObject({ id, name: z.string() }), mrn: z.string(), studies: z.array(PacsStudy) });
export type PacsQueryResult = z.infer<typeof PacsQueryResult>;

export const SentReport = z.strictObject({
  source: z.strictObject({ id, name: z.string() }),
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  sopInstanceUid: z.string(),
  /** the PACS's STOW-RS status (200, or 202 with warnings) */
  pacsStatus: z.number().int(),
  /** the Secondary Capture of the saliency overlay, when it was asked for and sent */
  saliencyCaptureSopInstanceUid: z.string().nullable(),
});
export type SentReport = z.infer<typeof SentReport>;

/** An object of the DICOM JSON model (PS3.18 Annex F): tag (8 hex digits) → { vr, Value | InlineBinary | BulkDataURI }. */
export const DicomJsonObject = z.record(
  z.string().regex(/^[0-9A-F]{8}$/),
  z.looseObject({ vr: z.string(), Value: z.array(z.unknown()).optional(), InlineBinary: z.string().optional(), BulkDataURI: z.string().optional() }),
);
export const DicomJsonList = z.array(DicomJsonObject);
