import { describe, expect, it } from "vitest";
import {
  ConditionCreate, ConditionUpdate, DietRecordCreate, DietRecordUpdate, FamilyHistoryCreate, FamilyHistoryUpdate,
  PatientCreate, PatientSearch, PatientUpdate,
  ScanPreviewQuery, ValidationError, ageOn, parseOrThrow, todayIso,
} from "@/lib/domain";

const patient = { mrn: "MRN-1", givenName: "Ada", familyName: "Lovelace", birthDate: "1960-12-10", sex: "female" };
const dietOk = {
  recordedOn: "2024-03-01", method: "recall_24h", energyKcal: 2100, sodiumMg: 3200, sugarsG: 70,
  saturatedFatG: 28, fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5,
};

function issuesOf(schema: Parameters<typeof parseOrThrow>[0], input: unknown) {
  try {
    parseOrThrow(schema, input);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).details as { issues: { path: string; message: string }[] };
  }
  throw new Error("expected a validation error");
}

describe("PatientCreate", () => {
  it("accepts a valid patient and trims names", () => {
    expect(PatientCreate.parse({ ...patient, givenName: "  Ada " }).givenName).toBe("Ada");
  });
  it("names the unknown field", () => {
    const { issues } = issuesOf(PatientCreate, { ...patient, ssn: "123" });
    expect(issues[0].message).toBe("unknown field: ssn");
  });
  it("rejects a birth date in the future, an impossible date and a wrong type", () => {
    const future = new Date(Date.now() + 3 * 864e5).toISOString().slice(0, 10);
    expect(issuesOf(PatientCreate, { ...patient, birthDate: future }).issues[0]).toEqual({ path: "birthDate", message: "cannot be in the future" });
    expect(issuesOf(PatientCreate, { ...patient, birthDate: "2001-02-30" }).issues[0].message).toBe("is not a real calendar date");
    expect(issuesOf(PatientCreate, { ...patient, birthDate: 19601210 }).issues[0].path).toBe("birthDate");
    expect(issuesOf(PatientCreate, { ...patient, sex: "F" }).issues[0].message).toContain("female, male");
    expect(issuesOf(PatientCreate, { ...patient, mrn: "a b" }).issues[0].path).toBe("mrn");
  });
  it("the error message names every bad field", () => {
    try {
      parseOrThrow(PatientCreate, { ...patient, givenName: "", sex: "x" }, "patient");
    } catch (e) {
      expect((e as Error).message).toMatch(/^Invalid patient: .*givenName: is required.*sex:/);
    }
  });
  it("update needs at least one field and keeps field rules", () => {
    expect(issuesOf(PatientUpdate, {}).issues[0].message).toContain("at least one field");
    expect(PatientUpdate.parse({ familyName: "King" })).toEqual({ familyName: "King" });
    expect(issuesOf(PatientUpdate, { mrn: "" }).issues[0].path).toBe("mrn");
  });
});

describe("ConditionCreate / FamilyHistoryCreate", () => {
  it("normalises ICD-10 codes and rejects non-codes", () => {
    expect(ConditionCreate.parse({ code: "e11.9", display: "Type 2 diabetes" })).toMatchObject({ code: "E11.9", codeSystem: "ICD10", status: "active" });
    expect(issuesOf(ConditionCreate, { code: "diabetes", display: "x" }).issues[0]).toMatchObject({ path: "code" });
    expect(ConditionCreate.parse({ codeSystem: "SNOMED", code: "44054006", display: "Diabetes type 2" }).code).toBe("44054006");
    expect(issuesOf(ConditionCreate, { code: "I10", display: "x", onsetDate: "2999-01-01" }).issues[0].path).toBe("onsetDate");
  });
  it("checks relationship and age at onset", () => {
    expect(FamilyHistoryCreate.parse({ relationship: "father", code: "I21.9", display: "MI", ageAtOnset: 52 }).deceased).toBe(false);
    expect(issuesOf(FamilyHistoryCreate, { relationship: "neighbour", code: "I21.9", display: "MI" }).issues[0].path).toBe("relationship");
    expect(issuesOf(FamilyHistoryCreate, { relationship: "father", code: "I21.9", display: "MI", ageAtOnset: -3 }).issues[0].message).toBe("cannot be negative");
    expect(issuesOf(FamilyHistoryCreate, { relationship: "father", code: "I21.9", display: "MI", ageAtOnset: 52.5 }).issues[0].path).toBe("ageAtOnset");
  });
});

describe("DietRecordCreate", () => {
  it("accepts plausible intakes", () => {
    expect(DietRecordCreate.parse(dietOk).sodiumMg).toBe(3200);
  });
  it("rejects negative and implausible intakes, naming the field", () => {
    expect(issuesOf(DietRecordCreate, { ...dietOk, sodiumMg: -1 }).issues[0]).toEqual({ path: "sodiumMg", message: "cannot be negative" });
    expect(issuesOf(DietRecordCreate, { ...dietOk, energyKcal: 50000 }).issues[0].message).toContain("kcal/day");
    expect(issuesOf(DietRecordCreate, { ...dietOk, fibreG: "lots" }).issues[0]).toEqual({ path: "fibreG", message: "must be a number" });
    expect(issuesOf(DietRecordCreate, { ...dietOk, method: "guess" }).issues[0].path).toBe("method");
  });
});

describe("entry updates (PATCH bodies)", () => {
  it("take any subset of the fields, with no create defaults leaking in", () => {
    expect(FamilyHistoryUpdate.parse({ display: " Breast cancer " })).toEqual({ display: "Breast cancer" });
    expect(FamilyHistoryUpdate.parse({ ageAtOnset: null })).toEqual({ ageAtOnset: null });
    expect(DietRecordUpdate.parse({ sodiumMg: 1800, note: null })).toEqual({ sodiumMg: 1800, note: null });
    expect(ConditionUpdate.parse({ status: "resolved" })).toEqual({ status: "resolved" });
  });
  it("keep the create rules per field", () => {
    expect(issuesOf(FamilyHistoryUpdate, { ageAtOnset: 130 }).issues[0]).toEqual({ path: "ageAtOnset", message: "must be 120 or less" });
    expect(issuesOf(FamilyHistoryUpdate, { relationship: "neighbour" }).issues[0].path).toBe("relationship");
    expect(issuesOf(DietRecordUpdate, { sodiumMg: 999999 }).issues[0]).toEqual({ path: "sodiumMg", message: "must be 20000 mg/day or less" });
    expect(issuesOf(DietRecordUpdate, { recordedOn: "2999-01-01" }).issues[0]).toEqual({ path: "recordedOn", message: "cannot be in the future" });
  });
  it("check a code against its system when the patch carries both", () => {
    expect(issuesOf(FamilyHistoryUpdate, { codeSystem: "SNOMED", code: "I10" }).issues[0]).toMatchObject({ path: "code", message: "is not a SNOMED CT concept id" });
    expect(issuesOf(ConditionUpdate, { codeSystem: "ICD10", code: "38341003" }).issues[0].path).toBe("code");
    // one half alone cannot be checked here: the stored other half is (lib/db/history.ts)
    expect(FamilyHistoryUpdate.parse({ code: "i21.9" })).toEqual({ code: "I21.9" });
  });
  it("refuse an empty patch, and name unknown fields (alone)", () => {
    for (const s of [FamilyHistoryUpdate, DietRecordUpdate, ConditionUpdate]) {
      expect(issuesOf(s, {}).issues).toEqual([{ path: "(body)", message: "give at least one field to change" }]);
      expect(issuesOf(s, { id: "x", patientId: "y" }).issues).toEqual([{ path: "id, patientId", message: "unknown fields: id, patientId" }]);
    }
  });
});

describe("PatientSearch and helpers", () => {
  it("coerces query strings and bounds page size", () => {
    expect(PatientSearch.parse({ page: "2", pageSize: "10", q: " smith " })).toEqual({ page: 2, pageSize: 10, q: "smith", sort: "name" });
    expect(issuesOf(PatientSearch, { pageSize: "1000" }).issues[0].path).toBe("pageSize");
    expect(issuesOf(PatientSearch, { sort: "ssn" }).issues[0].path).toBe("sort");
  });
  it("computes age in whole years", () => {
    expect(ageOn("1960-12-10", "2024-12-09")).toBe(63);
    expect(ageOn("1960-12-10", "2024-12-10")).toBe(64);
    expect(todayIso(new Date("2024-05-06T23:00:00Z"))).toBe("2024-05-06");
  });
});

describe("ScanPreviewQuery", () => {
  it("defaults to 512 px, coerces ?size=, and refuses sizes outside 16–1024 or unknown parameters", () => {
    expect(ScanPreviewQuery.parse({})).toEqual({ size: 512 });
    expect(ScanPreviewQuery.parse({ size: "128" })).toEqual({ size: 128 });
    expect(issuesOf(ScanPreviewQuery, { size: "4096" }).issues[0]).toEqual({ path: "size", message: "must be at most 1024" });
    expect(issuesOf(ScanPreviewQuery, { size: "8" }).issues[0].message).toBe("must be at least 16");
    expect(issuesOf(ScanPreviewQuery, { size: "big" }).issues[0]).toEqual({ path: "size", message: "must be a number of pixels" });
    expect(issuesOf(ScanPreviewQuery, { size: "64.5" }).issues[0].message).toBe("must be a whole number of pixels");
    expect(issuesOf(ScanPreviewQuery, { frame: "2" }).issues[0].message).toBe("unknown field: frame");
  });
});
