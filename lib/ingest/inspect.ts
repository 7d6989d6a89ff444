import { AppError } from "@/lib/domain/errors";
import type { ScanUploadFields } from "@/lib/domain/scan";
import { isDicomError, sniffContentType, type DecodedFrame, type DicomMetadata, type DicomTag } from "@/lib/dicom";
import { decodeScanOffThread } from "@/lib/dicom/off-thread";

/** What an upload turned out to be, validated and decoded, before anything is stored. */
export type InspectedScan = {
  contentType: "application/dicom" | "image/png" | "image/jpeg";
  modality: string;
  rows: number;
  columns: number;
  frames: number;
  /** The frame the assessment uses (see `assessmentFrame`). */
  frameIndex: number;
  frame: DecodedFrame;
  transferSyntaxUid: string | null;
  photometricInterpretation: string | null;
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  acquisitionDate: string | null;
  bodyPart: string | null;
  dicom: { patientId: string | null; patientName: string | null; patientBirthDate: string | null } | null;
  metadata: { dicom?: DicomMetadata; tags?: DicomTag[]; tagsOmitted?: number; filename: string; window?: { center: number; width: number } };
};

export { assessmentFrame } from "@/lib/dicom/worker/tasks";

const maxInflated = () => Number(process.env.FUSION_MAX_INFLATED_BYTES ?? 256 * 1024 * 1024);

/**
 * Magic bytes, full parse and a real decode of the assessed frame — in a decode worker thread,
 * within the image limits (`lib/dicom/limits.ts`) — before anything is stored; throws 4xx AppErrors.
 */
export async function inspectUpload(bytes: Uint8Array, filename: string, fields: ScanUploadFields): Promise<InspectedScan> {
  if (bytes.byteLength === 0) throw new AppError(400, "empty_file", "The uploaded file is empty.");
  const sniffed = sniffContentType(bytes);
  const namedDicom = /\.(dcm|dicom|dic)$/i.test(filename);
  if (sniffed && sniffed !== "application/dicom" && namedDicom)
    throw new AppError(415, "content_mismatch", `“${filename}” is named like a DICOM file but is a ${sniffed === "image/png" ? "PNG" : "JPEG"} image. Rename it, or upload it as an image with its modality.`);
  try {
    if (sniffed === "image/png" || sniffed === "image/jpeg") return await inspectImage(bytes, sniffed, filename, fields);
    return await inspectDicom(bytes, filename);
  } catch (e) {
    if (isDicomError(e)) throw dicomToHttp(e.code, e.message, e.details);
    throw e;
  }
}

async function inspectDicom(bytes: Uint8Array, filename: string): Promise<InspectedScan> {
  const { dicom, frames, frameIndex, frame } = await decodeScanOffThread(bytes, "application/dicom", { frame: "middle", maxInflatedBytes: maxInflated() });
  const m = dicom!.metadata;
  return {
    contentType: "application/dicom",
    modality: m.modality ?? "OT",
    rows: frame.rows,
    columns: frame.columns,
    frames,
    frameIndex,
    frame,
    transferSyntaxUid: m.transferSyntaxUid,
    photometricInterpretation: m.photometricInterpretation,
    studyInstanceUid: m.studyInstanceUid,
    seriesInstanceUid: m.seriesInstanceUid,
    sopInstanceUid: m.sopInstanceUid,
    acquisitionDate: m.acquisitionDate ?? m.studyDate,
    bodyPart: m.bodyPartExamined,
    dicom: { patientId: m.patientId, patientName: m.patientName, patientBirthDate: m.patientBirthDate },
    metadata: {
      dicom: m,
      tags: dicom!.tags,
      ...(dicom!.tagsOmitted ? { tagsOmitted: dicom!.tagsOmitted } : {}),
      filename,
      window: m.windowCenter != null && m.windowWidth != null ? { center: m.windowCenter, width: m.windowWidth } : undefined,
    },
  };
}

async function inspectImage(bytes: Uint8Array, mime: "image/png" | "image/jpeg", filename: string, fields: ScanUploadFields): Promise<InspectedScan> {
  if (!fields.modality)
    throw new AppError(400, "validation_failed", "modality: is required for PNG and JPEG images (e.g. CT, MR, XR, OT)", {
      issues: [{ path: "modality", message: "is required for PNG and JPEG images" }],
    });
  const { frame } = await decodeScanOffThread(bytes, mime, { frame: 0 });
  return {
    contentType: mime,
    modality: fields.modality,
    rows: frame.rows,
    columns: frame.columns,
    frames: 1,
    frameIndex: 0,
    frame,
    transferSyntaxUid: null,
    photometricInterpretation: frame.photometricInterpretation,
    studyInstanceUid: null,
    seriesInstanceUid: null,
    sopInstanceUid: null,
    acquisitionDate: fields.acquisitionDate ?? null,
    bodyPart: fields.bodyPart ?? null,
    dicom: null,
    metadata: { filename },
  };
}

const DICOM_ERROR_STATUS: Record<string, number> = {
  unsupported_transfer_syntax: 415,
  unsupported_pixel_format: 415,
  unsupported_image: 415,
  deflate_too_large: 413,
  image_too_large: 413,
  no_pixel_data: 422,
  decode_failed: 422,
  decode_timeout: 422,
  too_many_elements: 422,
  decoder_busy: 503,
};

function dicomToHttp(code: string, message: string, details?: Record<string, unknown>): AppError {
  return new AppError(DICOM_ERROR_STATUS[code] ?? 400, code, message, details);
}

/** Normalises a person name for comparison: case, accents, punctuation and order-insensitive. */
export function nameKey(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .sort()
    .join(" ");
}

export type PatientIdentity = { mrn: string; givenName: string; familyName: string };

/**
 * Does the DICOM header name another patient? Compares PatientID with the MRN, else the name.
 * Returns the mismatch to show the user, or null when it matches or the file names nobody. (The
 * DICOMweb paths use this; uploads use the stricter `checkIdentity` of ./identity.ts, which also
 * asks about a header that names nobody.)
 */
export function patientMismatch(dicom: InspectedScan["dicom"], p: PatientIdentity) {
  if (!dicom) return null;
  const recordName = `${p.familyName}, ${p.givenName}`;
  const id = dicom.patientId?.trim();
  const differs = id
    ? id.toUpperCase() !== p.mrn.toUpperCase()
    : !!dicom.patientName && nameKey(dicom.patientName) !== nameKey(`${p.familyName} ${p.givenName}`);
  if (!differs) return null;
  return { dicom: { patientId: dicom.patientId, patientName: dicom.patientName }, record: { mrn: p.mrn, name: recordName } };
}
