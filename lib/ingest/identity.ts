import type { ScanIdentityFlag } from "@/lib/domain/scan";
import { nameKey, type InspectedScan, type PatientIdentity } from "./inspect";

/**
 * Does a file's DICOM header identify this record's patient? (The right-patient check of an
 * upload, issue 12.) Two ways it may not:
 *
 *   other_patient   Patient ID (0010,0020) is another MRN
 *   unidentified    no usable Patient ID: empty, or a placeholder / anonymized value ("^^^^",
 *                   "Anonymized", "ANON", "unknown", "0000"…) — nothing says whose image it is
 *
 * Either way the clinician is asked before attaching, and must type why it belongs here; the scan
 * then carries the flag wherever it is shown. PNG and JPEG files have no header (null: nothing to
 * compare); their modality and date are the clinician's own entries.
 */
export type IdentityCheck = {
  flag: ScanIdentityFlag;
  /** what the header says */
  dicom: { patientId: string | null; patientName: string | null };
  /** what the record says */
  record: { mrn: string; name: string };
};

const PLACEHOLDER = /^(anonymi[sz]ed|anonymous|anon|de-?identified|removed|unknown|none|null|n\/?a|na|x+|\?+|-+|0+|patient|test|no ?name|no ?id)$/i;

/** An identity value that names nobody: empty, only DICOM name separators / punctuation, or a placeholder word. */
export function isPlaceholderIdentity(value: string | null | undefined): boolean {
  const v = (value ?? "").replace(/[\^=\s.,_*]+/g, " ").trim();
  if (!v) return true;
  return PLACEHOLDER.test(v) || PLACEHOLDER.test(v.replace(/\s+/g, ""));
}

export function checkIdentity(dicom: InspectedScan["dicom"], p: PatientIdentity): IdentityCheck | null {
  if (!dicom) return null;
  const record = { mrn: p.mrn, name: `${p.familyName}, ${p.givenName}` };
  const header = { patientId: dicom.patientId, patientName: dicom.patientName };
  const id = dicom.patientId?.trim() ?? "";
  if (isPlaceholderIdentity(id)) return { flag: "unidentified", dicom: header, record };
  if (id.toUpperCase() !== p.mrn.toUpperCase()) return { flag: "other_patient", dicom: header, record };
  return null;
}

/** The prompt's words (409 message): whose the file is, whose the record is, what to do. */
export function identityMessage(c: IdentityCheck): string {
  const rec = `${c.record.name} (MRN ${c.record.mrn})`;
  if (c.flag === "other_patient")
    return `This file belongs to ${c.dicom.patientName?.trim() || "another patient"} (ID ${c.dicom.patientId ?? "none"}), not ${rec}. To attach it anyway, confirm and say why it belongs here.`;
  const said = [c.dicom.patientName?.trim() ? `name “${c.dicom.patientName}”` : "no name", c.dicom.patientId?.trim() ? `ID “${c.dicom.patientId}”` : "no patient ID"].join(", ");
  return `This file's header does not identify the patient (${said}), so it cannot be checked against ${rec}. To attach it anyway, confirm and say why it belongs here.`;
}

export { nameKey };
