/**
 * The code systems and codes the FHIR mapping reads and writes. Where each code was checked, and
 * against what, is in lib/fhir/README.md ("Code systems").
 */
import type { Relationship } from "@/lib/domain/family-history";
import type { DietIntakeKey } from "@/lib/domain/diet";

export const SYSTEM = {
  loinc: "http://loinc.org",
  snomed: "http://snomed.info/sct",
  icd10: "http://hl7.org/fhir/sid/icd-10",
  icd10cm: "http://hl7.org/fhir/sid/icd-10-cm",
  ucum: "http://unitsofmeasure.org",
  conditionClinical: "http://terminology.hl7.org/CodeSystem/condition-clinical",
  conditionCategory: "http://terminology.hl7.org/CodeSystem/condition-category",
  observationCategory: "http://terminology.hl7.org/CodeSystem/observation-category",
  roleCode: "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
  riskProbability: "http://terminology.hl7.org/CodeSystem/risk-probability",
  dicomModality: "http://dicom.nema.org/resources/ontology/DCM",
  dicomUid: "urn:dicom:uid",
  // this application's own code systems (no standard code was verified for these concepts)
  dietIntake: "urn:fusion-cds:codesystem:diet-intake",
  dietMethod: "urn:fusion-cds:codesystem:diet-method",
  outcome: "urn:fusion-cds:codesystem:risk-outcome",
  model: "urn:fusion-cds:codesystem:model",
} as const;

/** Condition / FamilyMemberHistory codings the record can store, by FHIR system. */
export const CONDITION_SYSTEMS: Record<string, "ICD10" | "SNOMED"> = {
  [SYSTEM.icd10]: "ICD10",
  [SYSTEM.icd10cm]: "ICD10",
  [SYSTEM.snomed]: "SNOMED",
};
export const conditionSystemUri = (s: "ICD10" | "SNOMED") => (s === "ICD10" ? SYSTEM.icd10 : SYSTEM.snomed);

// ---- smoking -------------------------------------------------------------------------------------

/** LOINC 72166-2 Tobacco smoking status (NHIS). */
export const SMOKING_STATUS = { system: SYSTEM.loinc, code: "72166-2", display: "Tobacco smoking status" } as const;
/** Pack-years: accepted, not stored (no field of the record, not read by the model). */
export const PACK_YEARS = [
  { system: SYSTEM.loinc, code: "8664-7" },
  { system: SYSTEM.snomed, code: "401201003" },
] as const;

/** Smoking status answers (SNOMED CT, the ONC smoking-status value set) → what the record stores. */
export const SMOKING_ANSWERS: Record<string, { status: "current" | "former" | "never" | "unknown"; display: string }> = {
  "449868002": { status: "current", display: "Current every day smoker" },
  "428041000124106": { status: "current", display: "Current some day smoker" },
  "77176002": { status: "current", display: "Smoker, current status unknown" },
  "428071000124103": { status: "current", display: "Heavy tobacco smoker" },
  "428061000124105": { status: "current", display: "Light tobacco smoker" },
  "8517006": { status: "former", display: "Former smoker" },
  "266919005": { status: "never", display: "Never smoker" },
  "266927001": { status: "unknown", display: "Unknown if ever smoked" },
};

/**
 * The record has no smoking field: the model reads smoking from ICD-10 conditions
 * (lib/fusion/encoders.ts: F17 active = current, F17 resolved or Z87.891 = former). A smoking
 * status observation is stored as that condition; these are the codes written and read back.
 */
export const SMOKING_CONDITIONS = {
  current: { code: "F17.210", display: "Nicotine dependence, cigarettes, uncomplicated" },
  former: { code: "Z87.891", display: "Personal history of nicotine dependence" },
} as const;
/** ICD-10 prefixes that already say the patient's smoking (then a status observation adds nothing). */
export const SMOKING_ICD10_PREFIXES = ["F17", "Z87.891", "Z72.0"];
export const isSmokingIcd10 = (code: string) => SMOKING_ICD10_PREFIXES.some((p) => code.toUpperCase().startsWith(p));

// ---- diet ------------------------------------------------------------------------------------------

/** One diet record = one Observation with this code, one component per daily intake. */
export const DIET_PANEL = { system: SYSTEM.loinc, code: "75284-0", display: "Food and nutrient intake panel" } as const;

export type IntakeCode = { key: DietIntakeKey; display: string; unit: string; ucum: string; codes: { system: string; code: string }[] };

/** The first code of each is the one written; any listed code is read. */
export const DIET_COMPONENTS: IntakeCode[] = [
  { key: "energyKcal", display: "Calorie intake 24 hour Estimated", unit: "kcal/d", ucum: "kcal/d", codes: [{ system: SYSTEM.loinc, code: "75298-0" }, { system: SYSTEM.dietIntake, code: "energy" }] },
  { key: "sodiumMg", display: "Sodium intake per day, estimated", unit: "mg/d", ucum: "mg/d", codes: [{ system: SYSTEM.dietIntake, code: "sodium" }] },
  { key: "sugarsG", display: "Sugars intake per day, estimated", unit: "g/d", ucum: "g/d", codes: [{ system: SYSTEM.dietIntake, code: "sugars" }] },
  { key: "saturatedFatG", display: "Saturated fat intake 24 hour Estimated", unit: "g/d", ucum: "g/d", codes: [{ system: SYSTEM.loinc, code: "81033-3" }, { system: SYSTEM.dietIntake, code: "saturated-fat" }] },
  { key: "fibreG", display: "Fibre intake per day, estimated", unit: "g/d", ucum: "g/d", codes: [{ system: SYSTEM.dietIntake, code: "fibre" }] },
  { key: "fruitVegServings", display: "Fruit and vegetable servings per day", unit: "servings/d", ucum: "{servings}/d", codes: [{ system: SYSTEM.dietIntake, code: "fruit-veg-servings" }] },
  { key: "redMeatServings", display: "Red and processed meat servings per day", unit: "servings/d", ucum: "{servings}/d", codes: [{ system: SYSTEM.dietIntake, code: "red-meat-servings" }] },
  { key: "alcoholUnits", display: "Alcohol units per day (UK unit, 8 g ethanol)", unit: "units/d", ucum: "{units}/d", codes: [{ system: SYSTEM.dietIntake, code: "alcohol-units" }] },
];

export const DIET_METHODS: Record<"recall_24h" | "ffq" | "food_diary", string> = {
  recall_24h: "24-hour dietary recall",
  ffq: "Food frequency questionnaire",
  food_diary: "Food diary",
};

// ---- family history ----------------------------------------------------------------------------

/** v3 RoleCode (FamilyMember) → the record's relationship; the first code per relationship is written. */
export const ROLE_CODES: Record<string, Relationship> = {
  MTH: "mother", NMTH: "mother",
  FTH: "father", NFTH: "father",
  SIS: "sister", NSIS: "sister", HSIS: "sister",
  BRO: "brother", NBRO: "brother", HBRO: "brother",
  DAU: "daughter", DAUC: "daughter",
  SON: "son", SONC: "son",
  GRMTH: "grandmother", MGRMTH: "grandmother", PGRMTH: "grandmother",
  GRFTH: "grandfather", MGRFTH: "grandfather", PGRFTH: "grandfather",
  AUNT: "aunt", MAUNT: "aunt", PAUNT: "aunt",
  UNCLE: "uncle", MUNCLE: "uncle", PUNCLE: "uncle",
  COUSN: "cousin", MCOUSN: "cousin", PCOUSN: "cousin",
  FAMMEMB: "other",
};
export const RELATIONSHIP_CODES: Record<Relationship, { code: string; display: string }> = {
  mother: { code: "MTH", display: "mother" },
  father: { code: "FTH", display: "father" },
  sister: { code: "SIS", display: "sister" },
  brother: { code: "BRO", display: "brother" },
  daughter: { code: "DAU", display: "natural daughter" },
  son: { code: "SON", display: "natural son" },
  grandmother: { code: "GRMTH", display: "grandmother" },
  grandfather: { code: "GRFTH", display: "grandfather" },
  aunt: { code: "AUNT", display: "aunt" },
  uncle: { code: "UNCLE", display: "uncle" },
  cousin: { code: "COUSN", display: "cousin" },
  other: { code: "FAMMEMB", display: "family member" },
};
