import { describe, expect, it } from "vitest";
import { identityConflict } from "./patient-match";

const record = { mrn: "DW-1", familyName: "Okafor", givenName: "Adaeze", birthDate: new Date("1961-04-12") };
const dicom = (o: Partial<{ patientId: string | null; patientName: string | null; patientBirthDate: string | null }>) => ({ patientId: "DW-1", patientName: null, patientBirthDate: null, ...o });

describe("identityConflict", () => {
  it("accepts the same person however the name is written", () => {
    expect(identityConflict(dicom({ patientName: "Okafor, Adaeze", patientBirthDate: "1961-04-12" }), record)).toBeNull();
    expect(identityConflict(dicom({ patientName: "OKAFOR Adaeze" }), record)).toBeNull();
    expect(identityConflict(dicom({ patientName: "Okafor, Adaeze N, Dr" }), record)).toBeNull(); // middle initial, prefix
    expect(identityConflict(dicom({ patientName: "Okafor" }), record)).toBeNull(); // family name only
    expect(identityConflict(dicom({ patientName: "Ökafor, Adaéze" }), record)).toBeNull(); // accents
    expect(identityConflict(dicom({}), record)).toBeNull(); // nothing to contradict
    expect(identityConflict(null, record)).toBeNull();
  });
  it("refuses another birth date or another name", () => {
    expect(identityConflict(dicom({ patientBirthDate: "1990-01-01" }), record)).toMatch(/born 1990-01-01.*born 1961-04-12/);
    expect(identityConflict(dicom({ patientName: "Lindqvist, Bo" }), record)).toMatch(/names Lindqvist, Bo/);
    expect(identityConflict(dicom({ patientName: "Okafor, Chidi" }), record)).toMatch(/not Okafor, Adaeze/);
  });
});
