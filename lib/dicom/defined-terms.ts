/**
 * DICOM defined terms used as allow-lists: a value read from a file header or typed into a form is
 * passed on (to a research export) only when it is one of these, never as free text. Pure.
 *
 * Modality (0008,0060): PS3.3 C.7.3.1.1.1. The current terms were checked against two independent
 * tables of them (dcmfx's generated code-string descriptions and a Python modality table that also
 * lists the retired ones); the retired terms are accepted because old files carry them.
 *
 * Photometric Interpretation (0028,0004): PS3.3 C.7.6.3.1.2 (HSV, ARGB, CMYK and YBR_PARTIAL_422
 * are retired).
 */

/** The current modality terms: the only list of them (lib/domain/scan.ts DicomModality is built on it). */
export const CURRENT_MODALITY_TERMS = [
  "ANN", "AR", "ASMT", "AU", "BDUS", "BI", "BMD", "CFM", "CR", "CT", "CTPROTOCOL", "DG", "DMS", "DOC", "DX",
  "ECG", "EEG", "EMG", "EOG", "EPS", "ES", "FID", "GM", "HC", "HD", "IO", "IOL", "IVOCT", "IVUS", "KER", "KO",
  "LEN", "LS", "M3D", "MG", "MR", "NM", "OAM", "OCT", "OP", "OPM", "OPT", "OPTBSV", "OPTENF", "OPV", "OSS", "OT",
  "PA", "PLAN", "POS", "PR", "PT", "PX", "REG", "RESP", "RF", "RG", "RTDOSE", "RTIMAGE", "RTINTENT", "RTPLAN",
  "RTRAD", "RTRECORD", "RTSEGANN", "RTSTRUCT", "RWV", "SEG", "SM", "SMR", "SR", "SRF", "STAIN", "TEXTUREMAP",
  "TG", "US", "VA", "XA", "XAPROTOCOL", "XC",
] as const;

/** Current and retired: what a file's header may carry. */
export const MODALITY_TERMS: ReadonlySet<string> = new Set([
  ...CURRENT_MODALITY_TERMS,
  // retired
  "AS", "CD", "CF", "CP", "CS", "DD", "DF", "DM", "DS", "EC", "FA", "FS", "LP", "MA", "MS", "OPR", "ST", "VF",
]);

export const PHOTOMETRIC_TERMS: ReadonlySet<string> = new Set([
  "MONOCHROME1", "MONOCHROME2", "PALETTE COLOR", "RGB", "YBR_FULL", "YBR_FULL_422", "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT",
  // retired
  "HSV", "ARGB", "CMYK", "YBR_PARTIAL_422",
]);

/** CS values: padding spaces are not part of the value; case is significant, but writers vary. */
const cs = (v: unknown): string | null => (typeof v === "string" ? v.trim().toUpperCase() : null);

/** The modality defined term, or null when the value is not one. */
export function modalityTerm(value: unknown): string | null {
  const v = cs(value);
  return v && MODALITY_TERMS.has(v) ? v : null;
}

/** The photometric interpretation defined term, or null when the value is not one. */
export function photometricTerm(value: unknown): string | null {
  const v = cs(value);
  return v && PHOTOMETRIC_TERMS.has(v) ? v : null;
}
