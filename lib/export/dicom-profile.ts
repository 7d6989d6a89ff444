/**
 * DICOM attributes in a research export go through the DICOM PS3.15 Annex E Basic Application
 * Level Confidentiality Profile (the action table lives in lib/dicom/ps3-15-basic-profile.ts).
 *
 * Two gates: exported scan columns are an allow-list of technical attributes (modality, body part,
 * matrix size, frames, photometric interpretation, transfer syntax), and each value must also be
 * one the profile keeps (action K, or absent from Table E.1-1). An attribute the profile removes,
 * blanks, replaces with a dummy or re-generates (X, Z, D, U) can therefore never reach a file,
 * even if someone adds it to the allow-list. No instance UID (study, series, SOP) is exported,
 * not even a hashed one: research rows are keyed by the row key and patient pseudonym instead.
 */
import { profileRule } from "@/lib/dicom/ps3-15-basic-profile";

/** keyword → tag (8 hex digits) for the allow-listed attributes. */
export const EXPORTABLE_SCAN_ATTRIBUTES = {
  Modality: "00080060",
  BodyPartExamined: "00180015",
  Rows: "00280010",
  Columns: "00280011",
  NumberOfFrames: "00280008",
  PhotometricInterpretation: "00280004",
  TransferSyntaxUID: "00020010",
} as const;
export type ExportableScanAttribute = keyof typeof EXPORTABLE_SCAN_ATTRIBUTES;

export function keptByBasicProfile(tag: string): boolean {
  const g = parseInt(tag.slice(0, 4), 16);
  if (g % 2 === 1) return false; // private group: removed
  const rule = profileRule(tag);
  return !rule || rule.action === "K";
}

/** Allow-list ∩ basic profile; everything else (and empty values) → null. */
export function applyBasicProfile(attrs: Partial<Record<ExportableScanAttribute, string | number | null | undefined>>): Record<ExportableScanAttribute, string | number | null> {
  const out = {} as Record<ExportableScanAttribute, string | number | null>;
  for (const [key, tag] of Object.entries(EXPORTABLE_SCAN_ATTRIBUTES) as [ExportableScanAttribute, string][]) {
    const v = attrs[key];
    out[key] = v === undefined || v === null || v === "" || !keptByBasicProfile(tag) ? null : v;
  }
  return out;
}
