import { describe, expect, it } from "vitest";
import type { Condition, DietRecord, FamilyHistory, Patient } from "@/lib/domain";
import { capabilityStatement } from "./capability";
import { planBundle } from "./import";
import {
  Issues, conditionToFhir, dietToFhir, familyHistoryToFhir, parseCondition, parseFamilyHistory, parseObservation, parsePatient, patientToFhir,
  scanToImagingStudy, smokingStatusToFhir,
} from "./mapping";
import { searchset } from "./read";
import { toRiskAssessment } from "./risk-assessment";
import { validateFhir } from "./validator";
import { MRN_SYSTEM, conditionResource, dietResource, familyResource, patientBundle, patientResource, smokingResource } from "@/test/fhir/fixtures";

const stamp = "2026-11-30T10:00:00.000Z";
const patient: Patient = { id: "0b7c9a4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d", mrn: "MRN-1", givenName: "Ada", familyName: "Lovelace", birthDate: "1960-12-10", sex: "female", createdAt: stamp, updatedAt: stamp };
const condition: Condition = { id: "1b7c9a4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d", patientId: patient.id, codeSystem: "ICD10", code: "F17.210", display: "Nicotine dependence", onsetDate: "1985-03-01", status: "active", createdAt: stamp, updatedAt: stamp };
const family: FamilyHistory = { id: "2b7c9a4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d", patientId: patient.id, relationship: "mother", codeSystem: "SNOMED", code: "22298006", display: "Myocardial infarction", ageAtOnset: 58, deceased: false, createdAt: stamp, updatedAt: stamp };
const diet: DietRecord = {
  id: "3b7c9a4e-3f1d-4c2a-9e8b-5d6f7a8b9c0d", patientId: patient.id, recordedOn: "2024-02-01", method: "ffq", energyKcal: 2100, sodiumMg: 3200, sugarsG: 70, saturatedFatG: 28,
  fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5, note: "after advice", createdAt: stamp, updatedAt: stamp,
};

describe("every resource the app produces validates against the FHIR R4 base specification (@medplum/core)", () => {
  it("the validator really checks: a broken resource is refused with its element", async () => {
    const issues = await validateFhir({ resourceType: "Patient", birthDate: "1960-13-45", nickname: "x" });
    expect(issues.map((i) => i.expression[0])).toEqual(expect.arrayContaining(["Patient.birthDate", "Patient.nickname"]));
  });
  it("Patient, Condition, FamilyMemberHistory, diet and smoking Observations, ImagingStudy, RiskAssessment, CapabilityStatement, a searchset", async () => {
    const resources = [
      patientToFhir(patient, MRN_SYSTEM),
      conditionToFhir(condition),
      familyHistoryToFhir(family),
      dietToFhir(diet),
      smokingStatusToFhir(patient.id, [condition])!,
      scanToImagingStudy({ id: condition.id, patientId: patient.id, modality: "CT", studyInstanceUid: "1.2.840.1", seriesInstanceUid: "1.2.840.1.2", sopInstanceUid: "1.2.840.1.2.3", sopClassUid: "1.2.840.10008.5.1.4.1.1.2", acquisitionDate: "2024-01-02", bodyPart: "CHEST", frames: 1, createdAt: stamp }),
      scanToImagingStudy({ id: diet.id, patientId: patient.id, modality: "OT", studyInstanceUid: null, seriesInstanceUid: null, sopInstanceUid: null, sopClassUid: null, acquisitionDate: null, bodyPart: null, frames: 1, createdAt: stamp }),
      toRiskAssessment(
        {
          id: family.id, patientId: patient.id, scanId: null, modelName: "fusion-demo", modelVersion: "1.1.0", strategy: "tabular_only", createdAt: stamp, completedAt: stamp,
          scores: { lung_cancer_2y: { probability: 0.042, interval: [0.02, 0.07], category: "moderate" }, mace_5y: { probability: 0.31, interval: [0.2, 0.4], category: "high" } },
          headLabels: { lung_cancer_2y: "Lung cancer diagnosis within 2 years" }, flags: [],
          narrative: "Lung cancer diagnosis within 2 years: estimated risk 4.2% (uncertainty interval 2.0% to 7.0%).\n\nResearch use only — not for diagnosis.",
        },
        [{ reference: `Condition/${condition.id}` }],
      ),
      capabilityStatement("http://localhost:3000"),
    ];
    for (const r of resources) expect(await validateFhir(r), `${r.resourceType}`).toEqual([]);
    const bundle = searchset("http://localhost:3000", "http://localhost:3000/fhir/R4/Condition?patient=x", resources.slice(0, 4));
    expect(await validateFhir(bundle)).toEqual([]);
  });
  it("the test fixtures are valid R4 too", async () => {
    const b = patientBundle(1) as { entry: { resource: unknown }[] };
    expect(await validateFhir(b)).toEqual([]);
    for (const e of b.entry) expect(await validateFhir(e.resource)).toEqual([]);
  });
});

describe("mapping back: what is exported is read as the same entry", () => {
  it("patient, condition, family history, diet", () => {
    const issues = new Issues();
    expect(parsePatient(patientToFhir(patient, MRN_SYSTEM), "Patient", MRN_SYSTEM, issues)).toEqual({ mrn: "MRN-1", givenName: "Ada", familyName: "Lovelace", birthDate: "1960-12-10", sex: "female" });
    expect(parseCondition(conditionToFhir(condition), "Condition", issues)).toEqual({ codeSystem: "ICD10", code: "F17.210", display: "Nicotine dependence", onsetDate: "1985-03-01", status: "active" });
    expect(parseFamilyHistory(familyHistoryToFhir(family), "FamilyMemberHistory", issues)).toEqual([{ relationship: "mother", codeSystem: "SNOMED", code: "22298006", display: "Myocardial infarction", ageAtOnset: 58, deceased: false }]);
    const d = parseObservation(dietToFhir(diet), "Observation", issues, "2026-12-02");
    expect(d).toEqual({ kind: "diet", input: { recordedOn: "2024-02-01", method: "ffq", energyKcal: 2100, sodiumMg: 3200, sugarsG: 70, saturatedFatG: 28, fibreG: 18, fruitVegServings: 3, redMeatServings: 1, alcoholUnits: 1.5, note: "after advice" } });
    expect(issues.list).toEqual([]);
  });
  it("smoking status: current with a start, former, never", () => {
    const issues = new Issues();
    expect(parseObservation(smokingResource(1), "O", issues, "2026-12-02")).toEqual({ kind: "smoking", input: { status: "current", onsetDate: "1990-01-01" } });
    expect(parseObservation({ ...smokingResource(1, "8517006"), effectivePeriod: { start: "2001-01-01", end: "2020-05-05" } }, "O", issues, "2026-12-02")).toEqual({ kind: "smoking", input: { status: "former", onsetDate: "2020-05-05" } });
    expect(parseObservation(smokingResource(1, "266919005"), "O", issues, "2026-12-02")).toEqual({ kind: "skip" });
  });
  it("names the element of each problem", () => {
    const issues = new Issues();
    parseCondition(conditionResource(1, 1, { code: { coding: [{ system: "http://example.org/local-codes", code: "HT" }] } }), "Bundle.entry[1].resource", issues);
    parseCondition(conditionResource(1, 2, { code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "hypertension" }] } }), "Bundle.entry[2].resource", issues);
    parsePatient(patientResource(1, { birthDate: "2999-01-01" }), "Bundle.entry[0].resource", MRN_SYSTEM, issues);
    parseObservation(dietResource(1, { component: [] }), "Bundle.entry[3].resource", issues, "2026-12-02");
    parseFamilyHistory(familyResource(1, { relationship: { text: "dad" } }), "Bundle.entry[4].resource", issues);
    expect(issues.errors.map((i) => [i.expression![0], i.code])).toEqual([
      ["Bundle.entry[1].resource.code.coding", "code-invalid"],
      ["Bundle.entry[2].resource.code.coding[0].code", "code-invalid"],
      ["Bundle.entry[0].resource.birthDate", "value"],
      ...Array(8).fill(["Bundle.entry[3].resource.component", "required"]),
      ["Bundle.entry[4].resource.relationship", "code-invalid"],
    ]);
    expect(issues.errors[0].diagnostics).toContain("http://example.org/local-codes");
    expect(issues.errors[2].diagnostics).toBe("cannot be in the future");
  });
});

describe("planBundle", () => {
  it("maps a whole EHR bundle and says what it skips", async () => {
    const plan = await planBundle(patientBundle(1), { actor: null, request: { clientAddress: null, userAgent: null, source: "test" }, queue: null, mrnSystem: MRN_SYSTEM });
    expect(plan.patients).toHaveLength(1);
    const p = plan.patients[0];
    expect(p.input).toEqual({ mrn: "FHIR-00001", givenName: "Given1", familyName: "Family1", birthDate: "1958-04-12", sex: "male" });
    expect(p.conditions.map((c) => [c.input.codeSystem, c.input.code, c.source])).toEqual([
      ["ICD10", "I10", "Condition|http://hospital.example.org/problems|p1-c1"],
      ["SNOMED", "195967001", "Condition|http://hospital.example.org/problems|p1-c9"],
    ]);
    expect(p.family[0].input[0]).toMatchObject({ relationship: "father", code: "C34.9", ageAtOnset: 61, deceased: true });
    expect(p.smoking[0].input).toEqual({ status: "current", onsetDate: "1990-01-01" });
    expect(p.diet[0].input.energyKcal).toBe(2300);
    expect(plan.skipped.map((s) => [s.index, s.notes[0].diagnostics])).toEqual([[6, expect.stringContaining("Encounter is not imported")]]);
  });
});
