/** Fusion CDS DICOM layer: pure functions over bytes — no database, no Next.js. */
export { DicomError, isDicomError, type DicomErrorCode } from "./errors";
export { parseDicom, DEFAULT_MAX_INFLATED_BYTES, type ParsedDicom, type DicomMetadata, type ParseOptions } from "./parse";
export type { DicomTag } from "./tags";
export { transferSyntaxInfo, type TransferSyntaxInfo, type PixelEncoding } from "./transfer-syntax";
export { decodeFrame, frameCount, type DecodedFrame } from "./decode";
export { applyWindow, defaultWindow, minMaxWindow, WINDOW_PRESETS, type Window, type WindowPreset, type WindowPresetName } from "./window";
export { renderPreview, previewOfFrame, previewPng, downscale, type PreviewImage } from "./preview";
export { BASIC_PROFILE, type ProfileRule, type ProfileAction } from "./ps3-15-basic-profile";
export { decodePngOrJpeg, sniffContentType, type ScanContentType } from "./image";
export { formatPersonName, isoDate } from "./text";
