import { z } from "zod";
import { isoDate, notInFuture, text } from "./common";
import { CURRENT_MODALITY_TERMS } from "@/lib/dicom/defined-terms";

/**
 * A DICOM modality code (PS3.3 C.7.3.1.1.1 Modality, the current defined terms of
 * lib/dicom/defined-terms.ts — one list; retired terms are read from old files but not accepted for
 * new data): what a PNG/JPEG upload's `modality` must be. A DICOM file carries its own (0008,0060).
 */
export const DicomModality = z.enum(CURRENT_MODALITY_TERMS, {
  error: "must be a DICOM modality code such as CT, MR, DX, US or OT",
});
export type DicomModality = z.infer<typeof DicomModality>;

/** What the upload form offers for a picture (PNG/JPEG), in the clinic's words; every value is a DicomModality. */
export const PICTURE_MODALITIES = {
  OT: "Other", CT: "Computed tomography", MR: "Magnetic resonance", DX: "Digital radiography", CR: "Computed radiography",
  US: "Ultrasound", MG: "Mammography", NM: "Nuclear medicine", PT: "PET", XA: "X-ray angiography", RF: "Radio fluoroscopy",
  ES: "Endoscopy", XC: "External-camera photography", OP: "Ophthalmic photography", SM: "Slide microscopy",
} as const satisfies Partial<Record<DicomModality, string>>;

/** A reason a clinician types for a safety-relevant action (attaching despite a mismatch, entered in error). */
export const clinicalReason = text()
  .trim()
  .min(5, "must say why in at least 5 characters")
  .max(500, "must be 500 characters or fewer");

/** POST /api/scans/{id}/entered-in-error and /api/assessments/{id}/entered-in-error. */
export const EnteredInErrorInput = z.strictObject({ reason: clinicalReason });
export type EnteredInErrorInput = z.infer<typeof EnteredInErrorInput>;

/**
 * Why a scan's header identity is flagged: it names another patient, or nobody (empty,
 * placeholder or anonymized) — attached anyway with a reason (lib/ingest/identity.ts).
 */
export const identityFlagValues = ["other_patient", "unidentified"] as const;
export const ScanIdentityFlag = z.enum(identityFlagValues);
export type ScanIdentityFlag = z.infer<typeof ScanIdentityFlag>;

/** The words shown wherever a flagged scan is shown (viewer overlay, thumbnail, risk panel). */
export const IDENTITY_FLAG_TEXT: Record<ScanIdentityFlag, string> = {
  other_patient: "This image's header names another patient",
  unidentified: "This image's header does not identify the patient",
};

/** The parts of a record whose change makes a score stale (RecordChange.parts). */
export const recordPartValues = ["demographics", "history", "family_history", "diet"] as const;
export const RecordPart = z.enum(recordPartValues);
export type RecordPart = z.infer<typeof RecordPart>;
export const RECORD_PART_LABEL: Record<RecordPart, string> = {
  demographics: "demographics",
  history: "medical history",
  family_history: "family history",
  diet: "diet",
};

/** Form fields sent with an upload (multipart), besides the `file` itself. */
export const ScanUploadFields = z.strictObject({
  /** For PNG/JPEG (no DICOM header): a DICOM modality code (DicomModality: CT, MR, DX, US, OT, …; any case). DICOM files carry their own. */
  modality: z.preprocess((v) => (typeof v === "string" ? v.trim().toUpperCase() : v), DicomModality).optional(),
  bodyPart: text().trim().max(64, "must be 64 characters or fewer").optional(),
  acquisitionDate: isoDate.refine(notInFuture, "cannot be in the future").optional(),
  /**
   * The user confirmed that a file whose DICOM header names another patient — or nobody (empty,
   * placeholder or anonymized identity) — belongs to this record. Needs `identityReason`.
   */
  confirmPatientMismatch: z
    .enum(["true", "false"], { message: "must be true or false" })
    .transform((v) => v === "true")
    .optional(),
  /** Why the file belongs here although its header says otherwise (kept on the scan and in the audit trail). */
  identityReason: clinicalReason.optional(),
}).refine((f) => !f.confirmPatientMismatch || !!f.identityReason, {
  path: ["identityReason"],
  message: "is required to attach a file whose header does not name this patient: say why it belongs here",
});
export type ScanUploadFields = z.infer<typeof ScanUploadFields>;

export const ReassessInput = z.strictObject({
  scanId: z.uuid({ message: "must be a UUID" }).nullable().optional(),
});
export type ReassessInput = z.infer<typeof ReassessInput>;

/**
 * GET /api/scans/{id}/preview?size=N — the longest side of the preview in pixels: 512 for the
 * record page's first picture (the default), 128 for the thumbnail strip.
 */
export const ScanPreviewQuery = z.strictObject({
  size: z.coerce.number({ message: "must be a number of pixels" }).int("must be a whole number of pixels").min(16, "must be at least 16").max(1024, "must be at most 1024").default(512),
});
export type ScanPreviewQuery = z.infer<typeof ScanPreviewQuery>;

/**
 * GET /api/scans/{id}/file: `for=stored` (default) is exactly the uploaded bytes; `for=display` is
 * what the browser viewer can decode — a Deflated Explicit VR Little Endian file inflated and
 * served as Explicit VR Little Endian (same header, same pixels), any other file as stored.
 */
export const ScanFileQuery = z.strictObject({
  for: z.enum(["stored", "display"], { message: "must be stored or display" }).default("stored"),
});
export type ScanFileQuery = z.infer<typeof ScanFileQuery>;
