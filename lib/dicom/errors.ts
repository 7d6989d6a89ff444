/**
 * Errors raised by the DICOM layer. `code` is stable (routes map it to HTTP / UI text);
 * `message` is written for the clinician or technologist who uploaded the file.
 */
export type DicomErrorCode =
  | "empty"
  | "not_dicom"
  | "truncated"
  | "no_pixel_data"
  | "unsupported_transfer_syntax"
  | "unsupported_pixel_format"
  | "decode_failed"
  | "deflate_too_large"
  | "image_too_large"
  | "too_many_elements"
  | "decode_timeout"
  | "decoder_busy"
  | "frame_out_of_range"
  | "unsupported_image"
  /** WADO-RS: the frames cannot be given in the transfer syntax asked for (lib/dicom/frames.ts) */
  | "transfer_syntax_unavailable";

export class DicomError extends Error {
  readonly code: DicomErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: DicomErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DicomError";
    this.code = code;
    this.details = options?.details;
  }
}

export function isDicomError(e: unknown): e is DicomError {
  return e instanceof DicomError;
}

/** dicom-parser throws strings and `{ exception, dataSet }` objects as well as Errors. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  if (e && typeof e === "object" && "exception" in e) return String((e as { exception: unknown }).exception);
  if (typeof e === "number") return `codec error ${e}`;
  return String(e);
}
