/**
 * Tabular features for research rows, computed from the coded record *as of the assessment date*.
 * Two column groups:
 *
 * - `features`: the fusion model's own tabular encoder (lib/fusion/encoders, `fusion-encoders/…`)
 *   — exactly the vector the model consumed (z-scores, decades, counts; see each unit). The
 *   encoder needs a birth date only to compute the age; the export hands it a stand-in birth date
 *   derived from the already top-coded age (so the real birth date never reaches Node, and an age
 *   over 89 enters the features as 90). Relatives' onset ages enter only as (70 − age)/10 clipped
 *   at 0, so no relative's age over 89 can be read back.
 * - `record_summary` ("export-coded-v1"): the same record in natural units — indicator flags from
 *   ICD-10 history and family history, smoking years, diet means in kcal/mg/g/servings.
 *   No date, relative's age or free text is emitted.
 */
import { normalizeIcd } from "./codes";

export type FeatureCondition = { codeSystem: string; code: string; onsetDate: string | null; status: string };
export type FeatureFamilyHistory = { relationship: string; code: string; ageAtOnset: number | null };
export type FeatureDiet = {
  recordedOn: string;
  energyKcal: number;
  sodiumMg: number;
  sugarsG: number;
  saturatedFatG: number;
  fibreG: number;
  fruitVegServings: number;
  redMeatServings: number;
  alcoholUnits: number;
};
export type FeatureRecord = { sex: string; conditions: FeatureCondition[]; familyHistory: FeatureFamilyHistory[]; dietRecords: FeatureDiet[] };

export type FeatureSpec = { name: string; type: "int32" | "double"; unit: string; block: "history" | "family_history" | "diet"; description: string };

export const ENCODER_VERSION = "export-coded-v1";

const FIRST_DEGREE = new Set(["mother", "father", "sister", "brother", "daughter", "son"]);
const FEMALE_REL = new Set(["mother", "sister", "daughter", "grandmother", "aunt"]);

const icd = (c: { code: string }) => normalizeIcd(c.code);
const inRange = (code: string, from: string, to: string) => code.slice(0, from.length) >= from && code.slice(0, to.length) <= to;

type HistoryFlag = { name: string; description: string; test: (code: string) => boolean };
const HISTORY_FLAGS: HistoryFlag[] = [
  { name: "hx_hypertension", description: "Hypertensive disease on record (ICD-10 I10–I15)", test: (c) => inRange(c, "I10", "I15") },
  { name: "hx_ischaemic_heart_disease", description: "Ischaemic heart disease (I20–I25)", test: (c) => inRange(c, "I20", "I25") },
  { name: "hx_diabetes", description: "Diabetes mellitus (E10–E14)", test: (c) => inRange(c, "E10", "E14") },
  { name: "hx_hyperlipidaemia", description: "Disorders of lipoprotein metabolism (E78)", test: (c) => c.startsWith("E78") },
  { name: "hx_obesity", description: "Obesity (E66)", test: (c) => c.startsWith("E66") },
  { name: "hx_copd", description: "Chronic obstructive pulmonary disease (J44)", test: (c) => c.startsWith("J44") },
  { name: "hx_asthma", description: "Asthma (J45)", test: (c) => c.startsWith("J45") },
];

export const FEATURES: FeatureSpec[] = [
  { name: "smoking_current", type: "int32", unit: "0/1", block: "history", description: "Active nicotine dependence, cigarettes (F17.2, status active)" },
  { name: "smoking_former", type: "int32", unit: "0/1", block: "history", description: "Resolved F17.2 or personal history of nicotine dependence (Z87.891), not currently smoking" },
  { name: "smoking_years", type: "double", unit: "years", block: "history", description: "Years from the first F17.2 onset to quitting (Z87.891 onset) or to the assessment date; 0 for never-smokers" },
  ...HISTORY_FLAGS.map((f): FeatureSpec => ({ name: f.name, type: "int32", unit: "0/1", block: "history", description: f.description })),
  { name: "hx_active_condition_count", type: "int32", unit: "count", block: "history", description: "Number of active coded conditions with onset on or before the assessment date" },
  { name: "fh_lung_cancer_first_degree", type: "int32", unit: "0/1", block: "family_history", description: "First-degree relative with lung cancer (C34)" },
  { name: "fh_premature_cad_first_degree", type: "int32", unit: "0/1", block: "family_history", description: "First-degree relative with coronary disease (I20–I25) before 55 (male) / 65 (female)" },
  { name: "fh_cancer_any", type: "int32", unit: "0/1", block: "family_history", description: "Any relative with a malignant neoplasm (C00–C97)" },
  { name: "fh_diabetes_first_degree", type: "int32", unit: "0/1", block: "family_history", description: "First-degree relative with diabetes (E10–E14)" },
  { name: "fh_entry_count", type: "int32", unit: "count", block: "family_history", description: "Number of family-history entries" },
  { name: "diet_record_count", type: "int32", unit: "count", block: "diet", description: "Diet records on or before the assessment date" },
  ...(
    [
      ["energyKcal", "diet_energy_kcal", "kcal/day", "energy"],
      ["sodiumMg", "diet_sodium_mg", "mg/day", "sodium"],
      ["sugarsG", "diet_sugars_g", "g/day", "total sugars"],
      ["saturatedFatG", "diet_saturated_fat_g", "g/day", "saturated fat"],
      ["fibreG", "diet_fibre_g", "g/day", "fibre"],
      ["fruitVegServings", "diet_fruit_veg_servings", "servings/day", "fruit and vegetables"],
      ["redMeatServings", "diet_red_meat_servings", "servings/day", "red and processed meat"],
      ["alcoholUnits", "diet_alcohol_units", "UK units/day", "alcohol"],
    ] as const
  ).map(([, name, unit, what]): FeatureSpec => ({ name, type: "double", unit, block: "diet", description: `Mean daily ${what} over the diet records (empty when there are none)` })),
];

const DIET_KEYS = ["energyKcal", "sodiumMg", "sugarsG", "saturatedFatG", "fibreG", "fruitVegServings", "redMeatServings", "alcoholUnits"] as const;

const years = (fromIso: string, toIso: string) => (Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / (365.25 * 864e5);
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Features of one record as of `asOf` (YYYY-MM-DD), in FEATURES order. */
export function encodeFeatures(rec: FeatureRecord, asOf: string): (number | null)[] {
  // conditions that had started by the assessment date (no onset date recorded: counted)
  const conds = rec.conditions.filter((c) => !c.onsetDate || c.onsetDate <= asOf);
  const active = conds.filter((c) => c.status === "active");
  const codes = conds.filter((c) => c.codeSystem === "ICD10").map((c) => ({ ...c, n: icd(c) }));
  const f17 = codes.filter((c) => c.n.startsWith("F172"));
  const quit = codes.filter((c) => c.n === "Z87891");
  const current = f17.some((c) => c.status === "active") ? 1 : 0;
  const former = !current && (f17.length > 0 || quit.length > 0) ? 1 : 0;
  let smokingYears = 0;
  const starts = f17.map((c) => c.onsetDate).filter((d): d is string => !!d).sort();
  if (starts.length) {
    const end = current ? asOf : (quit.map((c) => c.onsetDate).filter((d): d is string => !!d).sort().at(-1) ?? asOf);
    smokingYears = round2(Math.max(0, years(starts[0], end)));
  }
  const flags = HISTORY_FLAGS.map((f) => (codes.some((c) => f.test(c.n)) ? 1 : 0));

  // family history is a standing fact about relatives: every entry counts
  const fh = rec.familyHistory.map((f) => ({ ...f, n: icd(f) }));
  const first = fh.filter((f) => FIRST_DEGREE.has(f.relationship));
  const fhLung = first.some((f) => f.n.startsWith("C34")) ? 1 : 0;
  const fhCad = first.some((f) => inRange(f.n, "I20", "I25") && f.ageAtOnset !== null && f.ageAtOnset < (FEMALE_REL.has(f.relationship) ? 65 : 55)) ? 1 : 0;
  const fhCancer = fh.some((f) => inRange(f.n, "C00", "C97")) ? 1 : 0;
  const fhDiabetes = first.some((f) => inRange(f.n, "E10", "E14")) ? 1 : 0;

  const diet = rec.dietRecords.filter((d) => d.recordedOn <= asOf);
  const means = DIET_KEYS.map((k) => (diet.length ? round2(diet.reduce((s, d) => s + d[k], 0) / diet.length) : null));
  return [current, former, smokingYears, ...flags, active.length, fhLung, fhCad, fhCancer, fhDiabetes, fh.length, diet.length, ...means];
}
