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

/** Form fields sent with an upload (multipart), besides the `file` itself. */
export const ScanUploadFields = z.strictObject({
  /** For PNG/JPEG (no DICOM header): a DICOM modality code (DicomModality: CT, MR, DX, US, OT, …; any case). DICOM files carry their own. */
  modality: z.preprocess((v) => (typeof v === "string" ? v.trim().toUpperCase() : v), DicomModality).optional(),
  bodyPart: text().trim().max(64, "must be 64 characters or fewer").optional(),
  acquisitionDate: isoDate.refine(notInFuture, "cannot be in the future").optional(),
  /** The user confirmed that a file whose DICOM patient differs from the record belongs here. */
  confirmPatientMismatch: z
    .enum(["true", "false"], { message: "must be true or false" })
    .transform((v) => v === "true")
    .optional(),
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
