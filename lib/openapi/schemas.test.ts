// Request schemas in the OpenAPI document vs the zod schemas the handlers parse with: known-good
// bodies pass both, known-bad ones fail both; where JSON Schema cannot say what zod checks (a
// refinement) or where zod normalises before checking (trim, upper-case), the difference is listed
// here explicitly, so that a change on either side shows up.
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { componentSchemas, requestSchemas } from "./components";
import { componentValidator } from "@/test/support/openapi-ajv";
import { ScanUploadFields } from "@/lib/domain";

const schemas = componentSchemas();
const validator = componentValidator(schemas);
const future = new Date(Date.now() + 5 * 864e5).toISOString().slice(0, 10);

const patient = { mrn: "MRN-1", givenName: "Ada", familyName: "Lovelace", birthDate: "1960-12-10", sex: "female" };
const diet = {
  recordedOn: "2024-03-01", method: "recall_24h", energyKcal: 2100, sodiumMg: 3200, sugarsG: 70,
  saturatedFatG: 28, fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5,
};
const uuid = "0b7c9a4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d";

type Case = { schema: keyof typeof requestSchemas; body: unknown; label: string };
const good: Case[] = [
  { schema: "OutcomeCreate", body: { outcome: "mace", occurredOn: "2024-05-01" }, label: "a MACE event on a past date" },
  { schema: "OutcomeEnteredInError", body: { reason: "recorded on the wrong chart" }, label: "a reason" },
  { schema: "FollowUpUpdate", body: { followUpUntil: "2025-01-01" }, label: "a follow-up date" },
  { schema: "FollowUpUpdate", body: { followUpUntil: null }, label: "clearing the follow-up date" },
  { schema: "SnapshotCreate", body: { indexDate: "2021-11-01", imageSize: 0 }, label: "an index date, no image column" },
  { schema: "TrainingStart", body: { snapshotId: "3f0e3c1e-8d4b-4c7a-9a1b-2f5d6e7c8b9a", strategy: "joint", epochs: 2, tiny: true }, label: "a tiny joint run" },
  { schema: "ModelStatusChange", body: { action: "shadow", reason: "validated on our own outcomes" }, label: "shadow with a reason" },
  { schema: "PatientCreate", body: patient, label: "a full patient" },
  { schema: "PatientUpdate", body: { familyName: "King" }, label: "one field" },
  { schema: "ConditionCreate", body: { code: "E11.9", display: "Type 2 diabetes" }, label: "defaults left out" },
  { schema: "ConditionCreate", body: { codeSystem: "SNOMED", code: "44054006", display: "Diabetes", onsetDate: null, status: "resolved" }, label: "SNOMED, null onset" },
  { schema: "ConditionUpdate", body: { status: "resolved" }, label: "status only" },
  { schema: "FamilyHistoryCreate", body: { relationship: "father", code: "I21.9", display: "MI", ageAtOnset: 52, deceased: true }, label: "a father's MI" },
  { schema: "DietRecordCreate", body: { ...diet, note: null }, label: "plausible intakes" },
  { schema: "FamilyHistoryUpdate", body: { relationship: "mother", ageAtOnset: null }, label: "relationship and unknown age" },
  { schema: "DietRecordUpdate", body: { sodiumMg: 1800, note: "after advice" }, label: "one intake and a note" },
  { schema: "ReassessInput", body: {}, label: "record only" },
  { schema: "ReassessInput", body: { scanId: uuid }, label: "a scan" },
  { schema: "EnteredInErrorInput", body: { reason: "Wrong patient: belongs to another Smith" }, label: "a reason" },
  { schema: "MeasurementCreate", body: { toolType: "length", frameIndex: 0, sopInstanceUid: "1.2.3", geometry: { points: [[0, 0, 0], [10, 0, 0]] }, stats: { length: 10, unit: "mm" } }, label: "a length" },
  { schema: "MeasurementCreate", body: { toolType: "ellipticalRoi", frameIndex: 2, geometry: { points: [[0, 5, 0], [0, -5, 0], [-5, 0, 0], [5, 0, 0]], viewPlaneNormal: [0, 0, 1] }, stats: { mean: 40.5, stdDev: 3, min: 20, max: 60, area: 78.5, unit: "HU", areaUnit: "mm²" }, label: "liver" }, label: "an elliptical ROI" },
  { schema: "LoginCredentials", body: { username: "dr.demo", password: "x" }, label: "credentials" },
  { schema: "PasswordChange", body: { currentPassword: "a", newPassword: "b" }, label: "password change" },
  { schema: "PreferencesUpdate", body: { locale: "ko" }, label: "Korean interface" },
  { schema: "PreferencesUpdate", body: { locale: null }, label: "no choice: the browser decides" },
  { schema: "UserCreate", body: { username: "new.user", displayName: "New", role: "researcher", password: "p" }, label: "new user" },
  { schema: "UserUpdate", body: { disabled: true, unlock: true }, label: "disable + unlock" },
  { schema: "UserUpdate", body: { resetMfa: true }, label: "reset MFA" },
  { schema: "MfaSignIn", body: { mfaToken: "t", code: "123456" }, label: "a TOTP code" },
  { schema: "MfaSignIn", body: { recoveryCode: "abcd-efgh-ijkl-mnop" }, label: "a recovery code (challenge in the cookie)" },
  { schema: "MfaConfirm", body: { code: "123456" }, label: "a first code" },
  { schema: "PasswordReconfirm", body: { currentPassword: "x" }, label: "the password again" },
  { schema: "DicomwebSourceCreate", body: { name: "Main PACS", baseUrl: "http://pacs.example.org:8042/dicom-web" }, label: "a PACS without authentication" },
  { schema: "DicomwebSourceCreate", body: { name: "Main PACS", baseUrl: "https://pacs.example.org/dicom-web", authType: "basic", username: "fcds", secretEnv: "PACS_PASSWORD", timeoutMs: 20000 }, label: "basic auth, password from the environment" },
  { schema: "DicomwebSourceUpdate", body: { pushToken: true }, label: "issue a push token" },
  { schema: "PacsImportInput", body: { sourceId: uuid, studyInstanceUid: "1.2.840.113619.2.1", seriesInstanceUids: ["1.2.840.113619.2.1.1"] }, label: "one series" },
  { schema: "PacsImportInput", body: { sourceId: uuid, studyInstanceUid: "1.2.3" }, label: "the whole study" },
  { schema: "SendReportInput", body: { sourceId: uuid }, label: "a source" },
  { schema: "SendReportInput", body: { sourceId: uuid, saliencyCapture: true }, label: "with the overlay image" },
  { schema: "TrustedEhrCreate", body: { name: "Ward EHR", issuer: "https://ehr.example.org", jwksUrl: "https://ehr.example.org/jwks.json" }, label: "an EHR with a JWKS URL" },
  { schema: "TrustedEhrCreate", body: { name: "Ward EHR", issuer: "ehr-1", jwks: { keys: [{ kty: "EC", crv: "P-384", x: "a", y: "b" }] }, clientId: "c1" }, label: "an EHR with inline keys" },
  { schema: "TrustedEhrUpdate", body: { enabled: false }, label: "disable" },
  {
    schema: "CdsPatientViewRequest",
    body: { hook: "patient-view", hookInstance: uuid, context: { userId: "Practitioner/1", patientId: "p1" }, prefetch: { patient: { resourceType: "Patient", id: "p1" } } },
    label: "a patient-view call with prefetch",
  },
];
const bad: Case[] = [
  { schema: "OutcomeCreate", body: { outcome: "influenza", occurredOn: "2024-05-01" }, label: "an outcome the model has no head for" },
  { schema: "OutcomeEnteredInError", body: {}, label: "no reason" },
  { schema: "FollowUpUpdate", body: {}, label: "no follow-up field" },
  { schema: "SnapshotCreate", body: { indexDate: "yesterday" }, label: "an index date that is not a date" },
  { schema: "TrainingStart", body: { strategy: "joint" }, label: "no snapshot" },
  { schema: "ModelStatusChange", body: { action: "delete", reason: "no longer needed" }, label: "an action that does not exist" },
  { schema: "PatientCreate", body: { ...patient, ssn: "123" }, label: "an unknown field" },
  { schema: "PatientCreate", body: { ...patient, sex: "F" }, label: "a sex outside the enum" },
  { schema: "PatientCreate", body: { ...patient, birthDate: 19601210 }, label: "a number for a date" },
  { schema: "PatientCreate", body: { ...patient, birthDate: "10/12/1960" }, label: "a date not as YYYY-MM-DD" },
  { schema: "PatientCreate", body: { ...patient, mrn: "a b" }, label: "an MRN with a space" },
  { schema: "PatientCreate", body: { mrn: "MRN-1" }, label: "missing fields" },
  { schema: "PatientUpdate", body: { givenName: "" }, label: "an empty name" },
  { schema: "ConditionCreate", body: { code: "I10" }, label: "no display" },
  { schema: "ConditionCreate", body: { code: "I10", display: "HT", status: "cured" }, label: "an unknown status" },
  { schema: "ConditionUpdate", body: { onsetDate: "yesterday" }, label: "a date not as YYYY-MM-DD" },
  { schema: "ConditionUpdate", body: { patientId: uuid }, label: "a field that cannot change" },
  { schema: "FamilyHistoryCreate", body: { relationship: "neighbour", code: "I21.9", display: "MI" }, label: "an unknown relationship" },
  { schema: "FamilyHistoryCreate", body: { relationship: "father", code: "I21.9", display: "MI", ageAtOnset: 52.5 }, label: "a fractional age" },
  { schema: "FamilyHistoryCreate", body: { relationship: "father", code: "I21.9", display: "MI", ageAtOnset: -3 }, label: "a negative age" },
  { schema: "DietRecordCreate", body: { ...diet, sodiumMg: -1 }, label: "a negative intake" },
  { schema: "DietRecordCreate", body: { ...diet, energyKcal: 50000 }, label: "an implausible intake" },
  { schema: "DietRecordCreate", body: { ...diet, fibreG: "lots" }, label: "a string for a number" },
  { schema: "DietRecordCreate", body: { ...diet, note: "x".repeat(2001) }, label: "a note too long" },
  { schema: "FamilyHistoryUpdate", body: { patientId: uuid }, label: "a field that cannot change" },
  { schema: "FamilyHistoryUpdate", body: { ageAtOnset: 130 }, label: "an age over 120" },
  { schema: "DietRecordUpdate", body: { sodiumMg: 999999 }, label: "an implausible intake" },
  { schema: "DietRecordUpdate", body: { id: uuid, sodiumMg: 1 }, label: "an id in the body" },
  { schema: "ReassessInput", body: { scanId: "not-a-uuid" }, label: "a scan id that is not a UUID" },
  { schema: "ReassessInput", body: { scan: uuid }, label: "a misspelt key" },
  { schema: "EnteredInErrorInput", body: {}, label: "no reason" },
  { schema: "MeasurementCreate", body: { toolType: "length", frameIndex: 0, geometry: { points: [[0, 0, 0]] }, stats: { length: 10, unit: "mm" } }, label: "a length with one point" },
  { schema: "MeasurementCreate", body: { toolType: "freehand", frameIndex: 0, geometry: { points: [] }, stats: {} }, label: "an unknown tool" },
  { schema: "EnteredInErrorInput", body: { reason: "x".repeat(501) }, label: "a reason too long" },
  { schema: "LoginCredentials", body: { username: "", password: "x" }, label: "an empty username" },
  { schema: "PasswordChange", body: { newPassword: "b" }, label: "no current password" },
  { schema: "PreferencesUpdate", body: { locale: "ko-KR" }, label: "a tag that is not one of our languages" },
  { schema: "UserCreate", body: { username: "u", displayName: "U", role: "root", password: "p" }, label: "an unknown role" },
  { schema: "UserUpdate", body: { unlock: false }, label: "unlock other than true" },
  { schema: "MfaSignIn", body: { code: 123456 }, label: "a number for the code" },
  { schema: "MfaConfirm", body: {}, label: "no code" },
  { schema: "PasswordReconfirm", body: { currentPassword: "" }, label: "an empty password" },
  { schema: "DicomwebSourceCreate", body: { name: "PACS", baseUrl: "http://pacs", authType: "kerberos" }, label: "an unknown authentication" },
  { schema: "DicomwebSourceCreate", body: { name: "PACS", baseUrl: "http://pacs", password: "x" }, label: "an unknown field" },
  { schema: "DicomwebSourceCreate", body: { name: "PACS", baseUrl: "http://pacs", timeoutMs: 10 }, label: "a timeout under a second" },
  { schema: "DicomwebSourceUpdate", body: { secretEnv: "lower-case" }, label: "not an environment variable name" },
  { schema: "PacsImportInput", body: { sourceId: uuid, studyInstanceUid: "1.2.03" }, label: "a UID component with a leading zero" },
  { schema: "PacsImportInput", body: { sourceId: uuid, studyInstanceUid: "1.2.3", seriesInstanceUids: [] }, label: "no series" },
  { schema: "SendReportInput", body: { sourceId: "pacs-1" }, label: "a source id that is not a UUID" },
  { schema: "TrustedEhrCreate", body: { name: "", issuer: "x", jwksUrl: "https://e.example/j" }, label: "an empty name" },
  { schema: "TrustedEhrUpdate", body: { issuer: "y" }, label: "the issuer (cannot change)" },
  { schema: "CdsPatientViewRequest", body: { hook: "order-sign", hookInstance: uuid, context: { userId: "u", patientId: "p" } }, label: "another hook" },
  { schema: "CdsPatientViewRequest", body: { hook: "patient-view", hookInstance: uuid, context: { userId: "u" } }, label: "no patient in the context" },
];
/** zod refuses, the JSON Schema cannot tell: refinements the server checks (400 validation_failed). */
const refinementsOnly: Case[] = [
  { schema: "PatientCreate", body: { ...patient, birthDate: "2001-02-30" }, label: "an impossible calendar date" },
  { schema: "PatientCreate", body: { ...patient, birthDate: future }, label: "a birth date in the future" },
  { schema: "PatientCreate", body: { ...patient, birthDate: "1850-01-01" }, label: "a birth date before 1880" },
  { schema: "PatientUpdate", body: {}, label: "no field to change" },
  { schema: "ConditionCreate", body: { code: "diabetes", display: "x" }, label: "a code that is not ICD-10" },
  { schema: "ConditionCreate", body: { codeSystem: "SNOMED", code: "E11.9", display: "x" }, label: "an ICD-10 code as SNOMED" },
  { schema: "DietRecordCreate", body: { ...diet, recordedOn: future }, label: "a diet record in the future" },
  { schema: "FamilyHistoryUpdate", body: {}, label: "no field to change" },
  { schema: "FamilyHistoryUpdate", body: { codeSystem: "SNOMED", code: "I21.9" }, label: "an ICD-10 code as SNOMED" },
  { schema: "DietRecordUpdate", body: {}, label: "no field to change" },
  { schema: "DietRecordUpdate", body: { recordedOn: future }, label: "a diet record moved into the future" },
  { schema: "MfaSignIn", body: { code: "123456", recoveryCode: "abcd-efgh-ijkl-mnop" }, label: "both a code and a recovery code" },
  { schema: "MfaSignIn", body: {}, label: "neither a code nor a recovery code" },
  { schema: "DicomwebSourceCreate", body: { name: "PACS", baseUrl: "http://pacs", authType: "basic", secret: "x" }, label: "basic auth without a username" },
  { schema: "DicomwebSourceCreate", body: { name: "PACS", baseUrl: "http://pacs", authType: "bearer" }, label: "bearer auth without a token" },
  { schema: "DicomwebSourceCreate", body: { name: "PACS", baseUrl: "ftp://pacs/dicom-web" }, label: "a URL that is not http(s)" },
  { schema: "TrustedEhrCreate", body: { name: "Ward EHR", issuer: "x" }, label: "an EHR without keys" },
  { schema: "TrustedEhrCreate", body: { name: "Ward EHR", issuer: "x", jwksUrl: "ftp://ehr.example.org/jwks" }, label: "a JWKS URL that is not http(s)" },
  { schema: "TrustedEhrUpdate", body: {}, label: "no field to change" },
];
/** JSON Schema refuses, zod accepts: zod trims before checking a pattern. */
const normalisedByZod: Case[] = [{ schema: "PatientCreate", body: { ...patient, mrn: " MRN-1 " }, label: "an MRN with spaces around it" }];

const zodOk = (c: Case) => (requestSchemas[c.schema] as z.ZodType).safeParse(c.body).success;
const ajvOk = (c: Case) => validator(c.schema)(c.body) as boolean;

describe("request schemas in the OpenAPI document agree with zod", () => {
  it.each(good)("$schema: $label passes both", (c) => {
    expect(zodOk(c)).toBe(true);
    expect(ajvOk(c), JSON.stringify(validator(c.schema).errors)).toBe(true);
  });
  it.each(bad)("$schema: $label fails both", (c) => {
    expect(zodOk(c)).toBe(false);
    expect(ajvOk(c)).toBe(false);
  });
  it.each(refinementsOnly)("$schema: $label — only the server (zod) refuses it", (c) => {
    expect(zodOk(c)).toBe(false);
    expect(ajvOk(c)).toBe(true);
  });
  it.each(normalisedByZod)("$schema: $label — zod normalises it, the JSON Schema refuses it", (c) => {
    expect(zodOk(c)).toBe(true);
    expect(ajvOk(c)).toBe(false);
  });
  it("every request schema is exercised by a good and a bad sample", () => {
    for (const name of Object.keys(requestSchemas)) {
      expect(good.some((c) => c.schema === name), `${name} has no good sample`).toBe(true);
      expect(bad.some((c) => c.schema === name), `${name} has no bad sample`).toBe(true);
    }
  });
});

describe("the multipart upload schema", () => {
  const upload = validator("ScanUpload");
  // multipart fields arrive as strings; the file's bytes are not JSON, so a placeholder stands in
  const file = "<bytes>";
  it("needs the file and takes the optional fields zod takes", () => {
    const fields = { modality: "CT", bodyPart: "CHEST", acquisitionDate: "2024-01-02", confirmPatientMismatch: "true", identityReason: "outside CT, our patient" };
    expect(ScanUploadFields.safeParse(fields).success).toBe(true);
    expect(upload({ file, ...fields })).toBe(true);
    expect(upload(fields)).toBe(false);
  });
  it("refuses what zod refuses", () => {
    for (const fields of [{ confirmPatientMismatch: "yes" }, { bodyPart: "x".repeat(65) }, { color: "red" }, { acquisitionDate: "02/01/2024" }]) {
      expect(ScanUploadFields.safeParse(fields).success, JSON.stringify(fields)).toBe(false);
      expect(upload({ file, ...fields }), JSON.stringify(fields)).toBe(false);
    }
  });
  it("a lower-case modality: zod upper-cases it first, the pattern refuses it (documented difference)", () => {
    expect(ScanUploadFields.safeParse({ modality: "ct" }).success).toBe(true);
    expect(upload({ file, modality: "ct" })).toBe(false);
  });
});
