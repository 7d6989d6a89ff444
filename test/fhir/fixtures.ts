// FHIR R4 test fixtures: bundles as an EHR would send them (every resource valid R4; the tests check).
import { DIET_COMPONENTS, DIET_PANEL, SMOKING_STATUS, SYSTEM } from "@/lib/fhir/codes";

export const MRN_SYSTEM = "urn:fusion-cds:mrn";

type R = Record<string, unknown>;

export function patientResource(n: number, over: R = {}): R {
  return {
    resourceType: "Patient",
    id: `p${n}`,
    identifier: [{ system: MRN_SYSTEM, value: `FHIR-${String(n).padStart(5, "0")}` }, { system: "http://hospital.example.org/other-id", value: `X${n}` }],
    name: [{ use: "official", family: `Family${n}`, given: [`Given${n}`] }],
    gender: n % 2 ? "male" : "female",
    birthDate: "1958-04-12",
    ...over,
  };
}

const subject = (n: number) => ({ reference: `Patient/p${n}` });

export function conditionResource(n: number, k: number, over: R = {}): R {
  return {
    resourceType: "Condition",
    id: `p${n}-c${k}`,
    identifier: [{ system: "http://hospital.example.org/problems", value: `p${n}-c${k}` }],
    clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: "active" }] },
    code: { coding: [{ system: SYSTEM.icd10, code: "I10", display: "Essential (primary) hypertension" }] },
    subject: subject(n),
    onsetDateTime: "2015-06-01",
    ...over,
  };
}

export function snomedCondition(n: number): R {
  const { onsetDateTime: _none, ...c } = conditionResource(n, 9, { code: { coding: [{ system: SYSTEM.snomed, code: "195967001", display: "Asthma" }] } });
  return c;
}

export function familyResource(n: number, over: R = {}): R {
  return {
    resourceType: "FamilyMemberHistory",
    id: `p${n}-f1`,
    status: "completed",
    patient: subject(n),
    relationship: { coding: [{ system: SYSTEM.roleCode, code: "FTH", display: "father" }] },
    deceasedBoolean: true,
    condition: [{ code: { coding: [{ system: SYSTEM.icd10, code: "C34.9", display: "Lung cancer" }] }, onsetAge: { value: 61, unit: "years", system: SYSTEM.ucum, code: "a" } }],
    ...over,
  };
}

export function smokingResource(n: number, answer = "449868002", over: R = {}): R {
  return {
    resourceType: "Observation",
    id: `p${n}-smoking`,
    status: "final",
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: "social-history" }] }],
    code: { coding: [{ ...SMOKING_STATUS }] },
    subject: subject(n),
    effectivePeriod: { start: "1990-01-01" },
    valueCodeableConcept: { coding: [{ system: SYSTEM.snomed, code: answer }] },
    ...over,
  };
}

export const dietValues = { energyKcal: 2300, sodiumMg: 3600, sugarsG: 90, saturatedFatG: 31, fibreG: 17, fruitVegServings: 3, redMeatServings: 1.5, alcoholUnits: 2 };

export function dietResource(n: number, over: R = {}): R {
  return {
    resourceType: "Observation",
    id: `p${n}-diet`,
    status: "final",
    category: [{ coding: [{ system: SYSTEM.observationCategory, code: "survey" }] }],
    code: { coding: [{ ...DIET_PANEL }] },
    subject: subject(n),
    effectiveDateTime: "2024-03-01",
    method: { coding: [{ system: SYSTEM.dietMethod, code: "recall_24h" }] },
    component: DIET_COMPONENTS.map((c) => ({ code: { coding: [c.codes[0]] }, valueQuantity: { value: dietValues[c.key], unit: c.unit, system: SYSTEM.ucum, code: c.ucum } })),
    ...over,
  };
}

export function encounterResource(n: number): R {
  return { resourceType: "Encounter", id: `p${n}-e1`, status: "finished", class: { system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "AMB" }, subject: subject(n) };
}

/** One patient's record as a transaction Bundle. */
export function patientBundle(n: number, extra: R[] = []): R {
  const resources = [patientResource(n), conditionResource(n, 1), snomedCondition(n), familyResource(n), smokingResource(n), dietResource(n), encounterResource(n), ...extra];
  return transaction(resources);
}

export function transaction(resources: R[], type = "transaction"): R {
  return {
    resourceType: "Bundle",
    type,
    entry: resources.map((r) => ({ fullUrl: `urn:uuid:${uuidFor(String(r.id ?? Math.random()))}`, resource: r, request: { method: "POST", url: String(r.resourceType) } })),
  };
}

/** Stable urn:uuid per resource id (senders mint these; the import must not rely on them). */
function uuidFor(s: string): string {
  let h = 0n;
  for (const ch of s) h = (h * 131n + BigInt(ch.charCodeAt(0))) % (1n << 122n);
  const hex = h.toString(16).padStart(32, "0").slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
