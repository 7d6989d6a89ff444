// Importing a FHIR R4 bundle from the dashboard, in real Chromium against the production build: a
// clinician picks a Bundle file on the patient list, the record appears (history, family history,
// diet, smoking as the model reads it), importing it again changes nothing, and a bad bundle is
// refused with the entry and element named and nothing written.
import { expect, test, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { loginAs } from "./support/login";

const SHOTS = "test-results/screenshots";
mkdirSync(SHOTS, { recursive: true });

const MRN_SYSTEM = "urn:fusion-cds:mrn"; // the server's default FUSION_FHIR_MRN_SYSTEM
const mrn = `E2EFHIR-${Date.now().toString(36).toUpperCase()}`;

function bundle(birthDate = "1957-09-30") {
  const subject = { reference: "Patient/e2e-1" };
  const resources = [
    { resourceType: "Patient", id: "e2e-1", identifier: [{ system: MRN_SYSTEM, value: mrn }], name: [{ use: "official", family: "Importova", given: ["Fhira"] }], gender: "female", birthDate },
    {
      resourceType: "Condition", id: "e2e-c1", subject, onsetDateTime: "2016-03-01",
      clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "active" }] },
      code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "I10", display: "Essential (primary) hypertension" }] },
    },
    {
      resourceType: "FamilyMemberHistory", id: "e2e-f1", status: "completed", patient: subject,
      relationship: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-RoleCode", code: "MTH" }] },
      condition: [{ code: { coding: [{ system: "http://hl7.org/fhir/sid/icd-10", code: "C34.9", display: "Lung cancer" }] }, onsetAge: { value: 66, unit: "years", system: "http://unitsofmeasure.org", code: "a" } }],
    },
    {
      resourceType: "Observation", id: "e2e-smoking", status: "final", subject, effectivePeriod: { start: "1980-05-01" },
      code: { coding: [{ system: "http://loinc.org", code: "72166-2" }] },
      valueCodeableConcept: { coding: [{ system: "http://snomed.info/sct", code: "449868002" }] },
    },
    {
      resourceType: "Observation", id: "e2e-diet", status: "final", subject, effectiveDateTime: "2024-06-01",
      code: { coding: [{ system: "http://loinc.org", code: "75284-0" }] },
      method: { coding: [{ system: "urn:fusion-cds:codesystem:diet-method", code: "ffq" }] },
      component: [
        ["http://loinc.org", "75298-0", 2450, "kcal/d"], ["urn:fusion-cds:codesystem:diet-intake", "sodium", 3900, "mg/d"],
        ["urn:fusion-cds:codesystem:diet-intake", "sugars", 95, "g/d"], ["http://loinc.org", "81033-3", 33, "g/d"],
        ["urn:fusion-cds:codesystem:diet-intake", "fibre", 14, "g/d"], ["urn:fusion-cds:codesystem:diet-intake", "fruit-veg-servings", 2, "{servings}/d"],
        ["urn:fusion-cds:codesystem:diet-intake", "red-meat-servings", 2, "{servings}/d"], ["urn:fusion-cds:codesystem:diet-intake", "alcohol-units", 3, "{units}/d"],
      ].map(([system, code, value, unit]) => ({ code: { coding: [{ system, code }] }, valueQuantity: { value, system: "http://unitsofmeasure.org", code: unit } })),
    },
  ];
  return Buffer.from(JSON.stringify({ resourceType: "Bundle", type: "transaction", entry: resources.map((resource) => ({ resource, request: { method: "POST", url: resource.resourceType } })) }));
}

async function importFile(page: Page, buffer: Buffer) {
  const panel = page.getByTestId("fhir-import");
  if (!(await panel.evaluate((d) => (d as HTMLDetailsElement).open))) await panel.getByText("Import FHIR records").click();
  await panel.getByLabel("Bundle file").setInputFiles({ name: "record.json", mimeType: "application/fhir+json", buffer });
  await panel.getByRole("button", { name: "Import" }).click();
}

test.beforeEach(async ({ page }) => {
  await loginAs(page, "clinician");
});

test("import a FHIR bundle from the patient list: the record appears; again changes nothing; a bad bundle is refused", async ({ page }) => {
  await page.goto("/patients");
  await importFile(page, bundle());
  const result = page.getByTestId("fhir-import-result");
  await expect(result).toContainText("Imported 1 patient");
  await page.screenshot({ path: `${SHOTS}/fhir-import-done.png`, fullPage: true });

  // the record: demographics, history (the smoking status became the model's smoking condition), family history, diet
  await result.getByRole("link", { name: "new record 1" }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Importova, Fhira");
  const conditions = page.getByTestId("conditions-table");
  await expect(conditions).toContainText("Essential (primary) hypertension");
  await expect(conditions).toContainText("F17.210");
  await expect(page.getByTestId("family-table")).toContainText("Lung cancer");
  await expect(page.getByTestId("family-table")).toContainText("mother");
  await expect(page.getByTestId("diet-table")).toContainText("2024-06-01");
  await page.screenshot({ path: `${SHOTS}/fhir-import-record.png`, fullPage: true });

  // the same file again: the same record, nothing new
  await page.goto("/patients");
  await importFile(page, bundle());
  await expect(page.getByTestId("fhir-import-result")).toContainText("Imported 1 patient");
  await expect(page.getByTestId("fhir-import-result").getByRole("link", { name: "record 1" })).toBeVisible();
  await expect(page.getByTestId("fhir-import-result").getByRole("link", { name: "new record 1" })).toHaveCount(0);
  await page.goto(`/patients?q=${mrn}`);
  await expect(page.getByTestId("patient-list").getByRole("row")).toHaveCount(2); // header + the one patient

  // a birth date in the future: refused, the entry and element named, nothing written
  await importFile(page, bundle("2999-01-01"));
  const error = page.getByTestId("fhir-import-error");
  await expect(error).toContainText("nothing was written");
  await expect(error).toContainText("Bundle.entry[0].resource.birthDate: cannot be in the future");
  await page.screenshot({ path: `${SHOTS}/fhir-import-refused.png`, fullPage: true });
});
