import { nameKey } from "@/lib/ingest/inspect";

/**
 * Whether an instance that names this patient's MRN (or was fetched for this record) contradicts
 * the record: a different birth date, or a name that shares too little with the record's. An upload
 * can be confirmed by the clinician looking at a mismatch; a DICOMweb client cannot, so such an
 * instance is refused (STOW-RS FailedSOPSequence, `patient_mismatch`).
 *
 * Names are compared as token sets (case, accents, punctuation and order ignored, lib/ingest
 * `nameKey`): one set must contain the other, so a middle name, a prefix or a suffix on one side
 * (`Okafor^Adaeze^N^Dr`) does not refuse the instance, while another family name does. A missing
 * birth date or name is no contradiction.
 */
export function identityConflict(
  dicom: { patientId: string | null; patientName: string | null; patientBirthDate: string | null } | null,
  p: { mrn: string; givenName: string; familyName: string; birthDate: Date },
): string | null {
  if (!dicom) return null;
  const record = `${p.familyName}, ${p.givenName} (MRN ${p.mrn})`;
  const birth = p.birthDate.toISOString().slice(0, 10);
  if (dicom.patientBirthDate && dicom.patientBirthDate.slice(0, 10) !== birth)
    return `The instance's patient (ID ${dicom.patientId ?? "none"}, born ${dicom.patientBirthDate}) is not ${record}, born ${birth}.`;
  const theirs = new Set(nameKey(dicom.patientName ?? "").split(" ").filter(Boolean));
  const ours = new Set(nameKey(`${p.familyName} ${p.givenName}`).split(" ").filter(Boolean));
  if (theirs.size && ours.size) {
    const within = (a: Set<string>, b: Set<string>) => [...a].every((t) => b.has(t));
    if (!within(ours, theirs) && !within(theirs, ours)) return `The instance names ${dicom.patientName} (ID ${dicom.patientId ?? "none"}), not ${record}.`;
  }
  return null;
}
