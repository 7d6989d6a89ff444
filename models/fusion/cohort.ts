/**
 * Synthetic demo cohort: patients with ICD-10 coded history, family history and diet records, a
 * chest-CT-like axial slice, and two outcome labels drawn from a documented generative model
 * (models/fusion/COHORT.md). Deterministic: patient i depends only on (seed, i).
 *
 * The label of each head is Bernoulli(trueRisk) where trueRisk is a logistic function of quantities
 * that are *observable* — the coded record (age, sex, smoking years from the onset dates, diet means
 * over the recorded days, first-degree family history) and the image (largest nodule diameter,
 * coronary calcium). trueRisk is therefore the Bayes-optimal prediction given everything observed,
 * and its AUROC is the ceiling any model can reach.
 */
import type { PatientCreate } from "@/lib/domain/patient";
import type { ConditionCreate } from "@/lib/domain/condition";
import type { FamilyHistoryCreate, Relationship } from "@/lib/domain/family-history";
import type { DietRecordCreate } from "@/lib/domain/diet";
import { toFusionDiet } from "@/lib/domain/record";
import { PNG } from "pngjs";
import { writeCtDicom } from "@/lib/dicom/write";
import { rngFor, sigmoid } from "./rng";
import { OUTCOME_LABELS } from "./outcome-labels";

export const HEADS = ["lung_cancer_2y", "mace_5y"] as const;
export type HeadName = (typeof HEADS)[number];

/*
 * The outcomes a trained bundle declares (inference.json headLabels / headShortLabels /
 * categories, card.json heads). Once written into a bundle, the bundle owns them: the app reads
 * them from there (lib/fusion/outcomes.ts) or from the model registry, never from here.
 */
export const HEAD_LABELS: Record<HeadName, string> = Object.fromEntries(HEADS.map((h) => [h, OUTCOME_LABELS[h].en.label])) as Record<HeadName, string>;
export const HEAD_SHORT_LABELS: Record<HeadName, string> = Object.fromEntries(HEADS.map((h) => [h, OUTCOME_LABELS[h].en.shortLabel])) as Record<HeadName, string>;
/** Per head [moderateFrom, highFrom] on the calibrated probability. */
export const HEAD_CATEGORIES: Record<HeadName, [number, number]> = { lung_cancer_2y: [0.03, 0.1], mace_5y: [0.075, 0.2] };

export const DEFAULT_AS_OF = "2026-11-01";
/** Field of view of the rendered slice (mm across the full width). */
export const SCAN_FOV_MM = 300;

/** Reference mean / sd used by the generative model for diet z-scores (documented in COHORT.md). */
export const DIET_REFERENCE = {
  sodiumMg: [3450, 800],
  saturatedFatG: [28.5, 7.5],
  fibreG: [21, 6.5],
  fruitVegServings: [4, 1.9],
  alcoholUnits: [1.8, 2.0],
} as const;

export type Nodule = { /** centre, normalised image coords [0,1] */ u: number; v: number; diameterMm: number; kind: "dominant" | "incidental" | "vessel" };
export type Calcification = { u: number; v: number; diameterMm: number; hu: number };

export type CohortLatent = {
  ageYears: number;
  male: boolean;
  smoking: "never" | "former" | "current";
  smokingYears: number;
  copd: boolean;
  hypertension: boolean;
  diabetes: boolean;
  hyperlipidaemia: boolean;
  obesity: boolean;
  fhLungFirstDegree: boolean;
  fhPrematureCadFirstDegree: boolean;
  /** healthy-diet factor (higher = healthier) */
  dietQuality: number;
  /** observed diet means over the recorded days */
  dietObserved: { sodiumMg: number; saturatedFatG: number; fibreG: number; fruitVegServings: number; alcoholUnits: number };
  nodules: Nodule[];
  maxNoduleMm: number;
  cacScore: number;
  calcifications: Calcification[];
  /** body scale and offset for the phantom */
  body: { scale: number; du: number; dv: number };
  /** per-head logits split into tabular part, image part and image×tabular interaction part */
  logit: Record<HeadName, { tabular: number; image: number; interaction: number }>;
};

export type CohortPatient = {
  index: number;
  seed: number;
  asOf: string;
  patient: PatientCreate;
  conditions: ConditionCreate[];
  familyHistory: FamilyHistoryCreate[];
  dietRecords: DietRecordCreate[];
  latent: CohortLatent;
  labels: Record<HeadName, 0 | 1>;
  /** Bayes-optimal probability given all observed data (record + image features). */
  trueRisk: Record<HeadName, number>;
};

const GIVEN_F = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophia", "Ella", "Lily", "Freya", "Chloe", "Emily", "Hannah", "Margaret", "Susan", "Patricia", "Linda", "Barbara", "Elizabeth", "Jennifer", "Maria", "Fatima", "Aisha", "Priya", "Mei", "Yuki", "Ingrid", "Sofia", "Lucia", "Agnieszka", "Siobhan", "Niamh", "Carmen", "Rosa", "Helen", "Ruth", "Joan", "Ana", "Leila", "Zainab"] as const;
const GIVEN_M = ["Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Jack", "Thomas", "James", "William", "Robert", "Michael", "David", "Richard", "Joseph", "Charles", "Daniel", "Mohammed", "Ahmed", "Raj", "Arjun", "Wei", "Hiroshi", "Lars", "Mateo", "Luca", "Piotr", "Sean", "Ciaran", "Diego", "Carlos", "Peter", "Paul", "John", "Samuel", "Kwame", "Tunde", "Omar", "Ivan", "Erik"] as const;
const FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Singh", "Ahmed", "Ali", "Chen", "Wang", "Li", "Nguyen", "Kim", "Tanaka", "Sato", "Müller", "Schmidt", "Nowak", "Kowalski", "O'Brien", "Murphy", "Kelly", "García", "Martínez", "Rodríguez", "López", "Rossi", "Russo", "Ferrari", "Dubois", "Martin", "Bernard", "Andersson", "Johansson", "Hansen", "Nielsen", "Okafor", "Mensah", "Cohen", "Levi", "Ivanova", "Petrov", "Silva"] as const;

// ---------- dates ----------
function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Math.round(days));
  return d.toISOString().slice(0, 10);
}
const yearsBefore = (iso: string, years: number) => addDays(iso, -years * 365.25);

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const round1 = (x: number) => Math.round(x * 10) / 10;
const female: ReadonlySet<Relationship> = new Set(["mother", "sister", "daughter", "grandmother", "aunt"]);

/** The generative model's logits, exported so COHORT.md and tests can refer to one source. */
export function riskLogits(x: {
  age: number;
  male: boolean;
  smoking: CohortLatent["smoking"];
  smokingYears: number;
  copd: boolean;
  hypertension: boolean;
  diabetes: boolean;
  hyperlipidaemia: boolean;
  fhLung: boolean;
  fhCad: boolean;
  diet: CohortLatent["dietObserved"];
  maxNoduleMm: number;
  cacScore: number;
}): CohortLatent["logit"] {
  const z = (k: keyof typeof DIET_REFERENCE) => (x.diet[k] - DIET_REFERENCE[k][0]) / DIET_REFERENCE[k][1];
  const ever = x.smoking !== "never" ? 1 : 0;
  const current = x.smoking === "current" ? 1 : 0;
  const former = x.smoking === "former" ? 1 : 0;
  const sy10 = x.smokingYears / 10;
  // lung: nodule size beyond 6 mm, in units of 8 mm; counts 4x more in ever-smokers (interaction)
  const g = Math.max(0, x.maxNoduleMm - 6) / 8;
  const lungTab = -5.3 + 0.035 * (x.age - 60) + 0.5 * current + 0.25 * former + 0.2 * sy10 + 0.45 * +x.copd + 0.7 * +x.fhLung - 0.25 * z("fruitVegServings");
  // cardiac: coronary calcium on a log scale; counts twice as much with diabetes (interaction)
  const c = Math.log1p(x.cacScore) / 2;
  const maceTab =
    -4.05 + 0.05 * (x.age - 60) + 0.4 * +x.male + 0.45 * +x.hypertension + 0.5 * +x.diabetes + 0.3 * +x.hyperlipidaemia + 0.45 * current + 0.7 * +x.fhCad +
    0.2 * z("sodiumMg") + 0.2 * z("saturatedFatG") - 0.15 * z("fibreG") + 0.1 * Math.max(0, z("alcoholUnits"));
  return {
    lung_cancer_2y: { tabular: lungTab, image: 0.5 * g, interaction: 1.5 * g * ever },
    mace_5y: { tabular: maceTab, image: 0.7 * c, interaction: 0.7 * c * +x.diabetes },
  };
}

export function generatePatient(seed: number, index: number, asOf = DEFAULT_AS_OF): CohortPatient {
  const r = rngFor(seed, index, "patient");
  const male = r.bernoulli(0.5);
  const age = Math.floor(r.uniform(40, 86));
  const birthDate = addDays(yearsBefore(asOf, age), -r.int(0, 364));
  const sexLabel: PatientCreate["sex"] = male ? "male" : "female";
  const patient: PatientCreate = {
    mrn: `DEMO-${String(index).padStart(6, "0")}`,
    givenName: r.pick(male ? GIVEN_M : GIVEN_F),
    familyName: r.pick(FAMILY),
    birthDate,
    sex: sexLabel,
  };

  // ---- smoking ----
  const u = r.next();
  const smoking: CohortLatent["smoking"] = u < 0.22 ? "current" : u < 0.47 ? "former" : "never";
  const conditions: ConditionCreate[] = [];
  let smokingYears = 0;
  if (smoking !== "never") {
    const startAge = clamp(Math.round(r.normal(18, 3)), 12, 30);
    const quitAge = smoking === "former" ? Math.round(r.uniform(startAge + 3, age - 1)) : age;
    smokingYears = Math.max(1, quitAge - startAge);
    const start = yearsBefore(asOf, age - startAge);
    conditions.push({ codeSystem: "ICD10", code: "F17.210", display: "Nicotine dependence, cigarettes, uncomplicated", onsetDate: start, status: smoking === "current" ? "active" : "resolved" });
    if (smoking === "former")
      conditions.push({ codeSystem: "ICD10", code: "Z87.891", display: "Personal history of nicotine dependence", onsetDate: yearsBefore(asOf, age - quitAge), status: "active" });
    smokingYears = Math.round(((smoking === "former" ? new Date(yearsBefore(asOf, age - quitAge)) : new Date(asOf)).getTime() - new Date(start).getTime()) / (365.25 * 864e5) * 10) / 10;
  }
  const ever = smoking !== "never";

  // ---- diet: habitual intakes, then 1-3 noisy recorded days ----
  const q = r.normal();
  const m = male ? 1 : 0;
  const habit = {
    energyKcal: 2000 + 350 * m + r.normal(0, 300),
    sodiumMg: 3300 + 300 * m - 450 * q + r.normal(0, 500),
    sugarsG: 85 - 12 * q + r.normal(0, 20),
    saturatedFatG: 27 + 3 * m - 5 * q + r.normal(0, 5),
    fibreG: 21 + 5 * q + r.normal(0, 4),
    fruitVegServings: 4 + 1.6 * q + r.normal(0, 1),
    redMeatServings: 0.9 + 0.2 * m - 0.35 * q + r.normal(0, 0.3),
    alcoholUnits: r.bernoulli(0.75) ? Math.exp(r.normal(0.2 + 0.3 * m, 0.8)) : 0,
  };
  const nDiet = r.int(1, 3);
  const dietRecords: DietRecordCreate[] = [];
  for (let k = 0; k < nDiet; k++) {
    const f = () => Math.exp(r.normal(0, 0.15));
    dietRecords.push({
      recordedOn: addDays(asOf, -r.int(7, 3 * 365)),
      method: r.pick(["recall_24h", "ffq", "food_diary"] as const),
      energyKcal: Math.round(clamp(habit.energyKcal * f(), 800, 6000)),
      sodiumMg: Math.round(clamp(habit.sodiumMg * f(), 500, 12000)),
      sugarsG: round1(clamp(habit.sugarsG * f(), 5, 400)),
      saturatedFatG: round1(clamp(habit.saturatedFatG * f(), 3, 150)),
      fibreG: round1(clamp(habit.fibreG * f(), 2, 90)),
      fruitVegServings: round1(clamp(habit.fruitVegServings * f(), 0, 15)),
      redMeatServings: round1(clamp(habit.redMeatServings * f(), 0, 8)),
      alcoholUnits: round1(clamp(habit.alcoholUnits * f(), 0, 30)),
      note: null,
    });
  }
  dietRecords.sort((a, b) => (a.recordedOn < b.recordedOn ? -1 : 1));
  const mean = (k: keyof DietRecordCreate) => dietRecords.reduce((s, d) => s + (d[k] as number), 0) / dietRecords.length;
  const dietObserved = { sodiumMg: mean("sodiumMg"), saturatedFatG: mean("saturatedFatG"), fibreG: mean("fibreG"), fruitVegServings: mean("fruitVegServings"), alcoholUnits: mean("alcoholUnits") };

  // ---- chronic conditions ----
  const onset = (minAge: number) => yearsBefore(asOf, r.uniform(0.2, Math.max(0.5, Math.min(25, age - minAge))));
  const sy10 = smokingYears / 10;
  const obesity = r.bernoulli(sigmoid(-1.5 + 0.0012 * (habit.energyKcal - 2175) - 0.3 * q));
  const hypertension = r.bernoulli(sigmoid(-1.1 + 0.05 * (age - 60) + 0.6 * +obesity + 0.0004 * (habit.sodiumMg - 3400)));
  const diabetes = r.bernoulli(sigmoid(-2.1 + 0.035 * (age - 60) + 1.0 * +obesity + 0.008 * (habit.sugarsG - 85)));
  const hyperlipidaemia = r.bernoulli(sigmoid(-1.0 + 0.03 * (age - 60) + 0.06 * (habit.saturatedFatG - 28)));
  const copd = r.bernoulli(sigmoid(-4.0 + (ever ? 0.35 * sy10 : 0) + (smoking === "current" ? 0.6 : 0) + 0.03 * (age - 60)));
  if (obesity) conditions.push({ codeSystem: "ICD10", code: "E66.9", display: "Obesity, unspecified", onsetDate: onset(25), status: "active" });
  if (hypertension) conditions.push({ codeSystem: "ICD10", code: "I10", display: "Essential (primary) hypertension", onsetDate: onset(30), status: "active" });
  if (diabetes) conditions.push({ codeSystem: "ICD10", code: "E11.9", display: "Type 2 diabetes mellitus without complications", onsetDate: onset(30), status: "active" });
  if (hyperlipidaemia) conditions.push({ codeSystem: "ICD10", code: "E78.5", display: "Hyperlipidaemia, unspecified", onsetDate: onset(30), status: "active" });
  if (copd) conditions.push({ codeSystem: "ICD10", code: "J44.9", display: "Chronic obstructive pulmonary disease, unspecified", onsetDate: onset(40), status: "active" });
  // distractors: common conditions with no effect on either outcome
  const distractors: [number, string, string][] = [
    [0.15, "K21.9", "Gastro-oesophageal reflux disease without oesophagitis"],
    [0.2, "M54.5", "Low back pain"],
    [0.08, "J45.909", "Asthma, unspecified, uncomplicated"],
    [0.08, "E03.9", "Hypothyroidism, unspecified"],
    [0.1, "F32.9", "Depressive episode, unspecified"],
  ];
  for (const [p, code, display] of distractors)
    if (r.bernoulli(p)) conditions.push({ codeSystem: "ICD10", code, display, onsetDate: r.bernoulli(0.9) ? onset(18) : null, status: r.bernoulli(0.25) ? "resolved" : "active" });

  // ---- family history ----
  const familyHistory: FamilyHistoryCreate[] = [];
  const firstDeg: Relationship[] = ["mother", "father", "sister", "brother"];
  const fhLung = r.bernoulli(0.1);
  if (fhLung) {
    const rel = r.pick(firstDeg);
    familyHistory.push({ relationship: rel, codeSystem: "ICD10", code: "C34.90", display: "Malignant neoplasm of unspecified part of bronchus or lung", ageAtOnset: r.int(48, 82), deceased: r.bernoulli(0.6) });
  }
  if (r.bernoulli(0.08)) familyHistory.push({ relationship: r.pick(["grandmother", "grandfather", "uncle", "aunt"] as const), codeSystem: "ICD10", code: "C34.90", display: "Malignant neoplasm of unspecified part of bronchus or lung", ageAtOnset: r.int(55, 85), deceased: true });
  const fhCad = r.bernoulli(0.11);
  if (fhCad) {
    const rel = r.pick(firstDeg);
    const ageAtOnset = female.has(rel) ? r.int(42, 64) : r.int(38, 54);
    familyHistory.push({ relationship: rel, codeSystem: "ICD10", code: "I25.10", display: "Atherosclerotic heart disease of native coronary artery", ageAtOnset, deceased: r.bernoulli(0.3) });
  }
  if (r.bernoulli(0.15)) {
    // late-onset coronary disease in a relative: common, not premature, no effect in the model
    const rel = r.pick(["mother", "father", "grandfather", "grandmother"] as const);
    familyHistory.push({ relationship: rel, codeSystem: "ICD10", code: "I25.10", display: "Atherosclerotic heart disease of native coronary artery", ageAtOnset: r.int(female.has(rel) ? 68 : 60, 88), deceased: r.bernoulli(0.5) });
  }
  if (r.bernoulli(0.08)) familyHistory.push({ relationship: r.pick(["mother", "sister"] as const), codeSystem: "ICD10", code: "C50.919", display: "Malignant neoplasm of breast", ageAtOnset: r.int(38, 80), deceased: r.bernoulli(0.3) });
  if (r.bernoulli(0.2)) familyHistory.push({ relationship: r.pick(["mother", "father"] as const), codeSystem: "ICD10", code: "E11.9", display: "Type 2 diabetes mellitus", ageAtOnset: r.int(40, 75), deceased: r.bernoulli(0.2) });

  // ---- image findings (depend on the latent disease drivers) ----
  const ri = rngFor(seed, index, "findings");
  const nodules: Nodule[] = [];
  // a point well inside a lung and clear of the heart (a nodule hidden in the mediastinum would be
  // invisible, and the Bayes-optimal risk assumes the image shows every finding)
  const inLung = (): { u: number; v: number } => {
    const side = ri.bernoulli(0.5) ? -1 : 1;
    for (;;) {
      const a = ri.uniform(-1, 1), b = ri.uniform(-1, 1);
      if (a * a + b * b > 0.6) continue;
      const u = 0.5 + side * 0.19 + a * 0.12, v = 0.47 + b * 0.21;
      if (((u - 0.55) / 0.16) ** 2 + ((v - 0.55) / 0.14) ** 2 <= 1) continue;
      return { u, v };
    }
  };
  const nIncidental = ri.poisson(0.4 + (ever ? 0.4 : 0) + 0.15 * sy10 + 0.3 * +copd);
  for (let k = 0; k < Math.min(nIncidental, 6); k++) nodules.push({ ...inLung(), diameterMm: clamp(3 + -Math.log(1 - ri.next()) * 2.5, 3, 12), kind: "incidental" });
  const pDominant = sigmoid(-2.4 + 0.25 * sy10 + (smoking === "current" ? 0.6 : 0) + 0.5 * +fhLung + 0.03 * (age - 60) + 0.4 * +copd);
  if (ri.bernoulli(pDominant)) nodules.push({ ...inLung(), diameterMm: ri.uniform(8, 30), kind: "dominant" });
  const maxNoduleMm = nodules.reduce((mx, n) => Math.max(mx, n.diameterMm), 0);
  // vessels seen end-on: small, fainter dots, present in everyone (distractors, not nodules)
  const nVessels = ri.int(4, 10);
  for (let k = 0; k < nVessels; k++) nodules.push({ ...inLung(), diameterMm: ri.uniform(1.5, 3.5), kind: "vessel" });

  const pZeroCac = sigmoid(1.6 - 0.08 * (age - 60) - 0.6 * +hypertension - 0.5 * +hyperlipidaemia - 0.5 * +ever - 0.6 * m - 0.5 * +diabetes);
  const cacScore = ri.bernoulli(pZeroCac) ? 0 : Math.round(Math.expm1(clamp(ri.normal(3 + 0.04 * (age - 60) + 0.3 * +diabetes + 0.3 * +hyperlipidaemia, 1.2), 0.5, 8)));
  const calcifications: Calcification[] = [];
  if (cacScore > 0) {
    const lc = Math.log1p(cacScore);
    const n = clamp(Math.round(lc * 1.3), 1, 12);
    for (let k = 0; k < n; k++) {
      // along the coronary course: an arc over the anterior-left heart border
      const t = ri.uniform(-2.6, 0.4);
      calcifications.push({ u: 0.55 + 0.115 * Math.cos(t), v: 0.55 + 0.095 * Math.sin(t), diameterMm: clamp(2 + 0.5 * lc + ri.normal(0, 0.5), 2, 7), hu: clamp(250 + 100 * lc + ri.normal(0, 60), 180, 1200) });
    }
  }

  const fhFirstLung = familyHistory.some((f) => ["mother", "father", "sister", "brother", "daughter", "son"].includes(f.relationship) && f.code.startsWith("C34"));
  const fhFirstPremCad = familyHistory.some(
    (f) => ["mother", "father", "sister", "brother", "daughter", "son"].includes(f.relationship) && /^I2[0-5]/.test(f.code) && f.ageAtOnset != null && f.ageAtOnset < (female.has(f.relationship) ? 65 : 55),
  );
  const logit = riskLogits({ age, male, smoking, smokingYears, copd, hypertension, diabetes, hyperlipidaemia, fhLung: fhFirstLung, fhCad: fhFirstPremCad, diet: dietObserved, maxNoduleMm, cacScore });
  const ro = rngFor(seed, index, "outcome");
  const trueRisk = {} as Record<HeadName, number>;
  const labels = {} as Record<HeadName, 0 | 1>;
  for (const h of HEADS) {
    const l = logit[h];
    trueRisk[h] = sigmoid(l.tabular + l.image + l.interaction);
    labels[h] = ro.next() < trueRisk[h] ? 1 : 0;
  }

  const rb = rngFor(seed, index, "body");
  return {
    index,
    seed,
    asOf,
    patient,
    conditions,
    familyHistory,
    dietRecords,
    latent: {
      ageYears: age,
      male,
      smoking,
      smokingYears,
      copd,
      hypertension,
      diabetes,
      hyperlipidaemia,
      obesity,
      fhLungFirstDegree: fhFirstLung,
      fhPrematureCadFirstDegree: fhFirstPremCad,
      dietQuality: q,
      dietObserved,
      nodules,
      maxNoduleMm,
      cacScore,
      calcifications,
      body: { scale: rb.uniform(0.93, 1.04), du: rb.normal(0, 0.008), dv: rb.normal(0, 0.008) },
      logit,
    },
    labels,
    trueRisk,
  };
}

export function generateCohort(opts: { n: number; seed: number; asOf?: string; offset?: number }): CohortPatient[] {
  const out: CohortPatient[] = [];
  const offset = opts.offset ?? 0;
  for (let i = 0; i < opts.n; i++) out.push(generatePatient(opts.seed, offset + i, opts.asOf ?? DEFAULT_AS_OF));
  return out;
}

/** The record view the fusion encoders read (lib/domain FusionRecordInput). */
export function toRecordInput(p: CohortPatient) {
  return {
    birthDate: p.patient.birthDate,
    sex: p.patient.sex,
    asOf: p.asOf,
    conditions: p.conditions.map((c) => ({ codeSystem: c.codeSystem, code: c.code, onsetDate: c.onsetDate ?? null, status: c.status })),
    familyHistory: p.familyHistory.map((f) => ({ relationship: f.relationship, code: f.code, ageAtOnset: f.ageAtOnset ?? null, deceased: f.deceased })),
    dietRecords: p.dietRecords.map(toFusionDiet),
  };
}

// ------------------------------------------------------------------------------------------------
// Rendering: a resolution-independent chest phantom (geometry in normalised coordinates).

export type RenderedScan = {
  rows: number;
  columns: number;
  /** Hounsfield units, row-major */
  hu: Int16Array;
  pixelSpacingMm: number;
  /** nodules in pixel coordinates (x = column, y = row, r = radius in pixels) */
  nodules: { x: number; y: number; r: number; kind: Nodule["kind"] }[];
  calcifications: { x: number; y: number; r: number }[];
};

type Ellipse = { cu: number; cv: number; au: number; av: number };
const inside = (e: Ellipse, u: number, v: number) => ((u - e.cu) / e.au) ** 2 + ((v - e.cv) / e.av) ** 2 <= 1;

/** Render the patient's axial chest slice (default 512×512, like a real CT). */
export function renderScan(p: CohortPatient, opts: { size?: number } = {}): RenderedScan {
  const size = opts.size ?? 512;
  const { scale, du, dv } = p.latent.body;
  const tr = (e: Ellipse): Ellipse => ({ cu: 0.5 + (e.cu - 0.5) * scale + du, cv: 0.5 + (e.cv - 0.5) * scale + dv, au: e.au * scale, av: e.av * scale });
  const body = tr({ cu: 0.5, cv: 0.5, au: 0.46, av: 0.36 });
  const muscle = tr({ cu: 0.5, cv: 0.5, au: 0.43, av: 0.33 });
  const lungR = tr({ cu: 0.31, cv: 0.47, au: 0.13, av: 0.22 });
  const lungL = tr({ cu: 0.69, cv: 0.47, au: 0.13, av: 0.22 });
  const heart = tr({ cu: 0.55, cv: 0.55, au: 0.115, av: 0.095 });
  const aorta = tr({ cu: 0.44, cv: 0.7, au: 0.03, av: 0.03 });
  const vert = tr({ cu: 0.5, cv: 0.78, au: 0.045, av: 0.045 });
  const vertCore = tr({ cu: 0.5, cv: 0.78, au: 0.035, av: 0.035 });
  const hu = new Int16Array(size * size);
  const base = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      let val = -1000;
      if (inside(body, u, v)) {
        val = inside(muscle, u, v) ? 40 : -100;
        if (inside(lungR, u, v) || inside(lungL, u, v)) val = -860;
        if (inside(heart, u, v)) val = 40;
        if (inside(aorta, u, v)) val = 45;
        if (inside(vert, u, v)) val = inside(vertCore, u, v) ? 300 : 900;
      }
      base[y * size + x] = val;
    }
  }
  const px = SCAN_FOV_MM / size; // mm per pixel
  const toPx = (u: number, v: number) => ({ x: (0.5 + (u - 0.5) * scale + du) * size, y: (0.5 + (v - 0.5) * scale + dv) * size });
  // soft-edged discs (partial-volume coverage), so a disc looks the same at any resolution
  const disc = (cx: number, cy: number, rPx: number, valueHu: number, additiveOver: "replace" | "max") => {
    const r0 = Math.max(0, Math.floor(cy - rPx - 1)), r1 = Math.min(size - 1, Math.ceil(cy + rPx + 1));
    const c0 = Math.max(0, Math.floor(cx - rPx - 1)), c1 = Math.min(size - 1, Math.ceil(cx + rPx + 1));
    for (let y = r0; y <= r1; y++)
      for (let x = c0; x <= c1; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        const cov = clamp(rPx - d + 0.5, 0, 1);
        if (cov <= 0) continue;
        const i = y * size + x;
        const mixed = base[i] * (1 - cov) + valueHu * cov;
        base[i] = additiveOver === "max" ? Math.max(base[i], mixed) : mixed;
      }
  };
  const nodules: RenderedScan["nodules"] = [];
  for (const n of p.latent.nodules) {
    const { x, y } = toPx(n.u, n.v);
    const r = (n.diameterMm * scale) / 2 / px;
    disc(x, y, r, n.kind === "vessel" ? -200 : 35, "max");
    nodules.push({ x, y, r, kind: n.kind });
  }
  const calcifications: RenderedScan["calcifications"] = [];
  for (const c of p.latent.calcifications) {
    const { x, y } = toPx(c.u, c.v);
    const r = (c.diameterMm * scale) / 2 / px;
    disc(x, y, r, c.hu, "max");
    calcifications.push({ x, y, r });
  }
  // noise: a coarse correlated field (resolution independent) plus fine quantum-like noise
  const rn = rngFor(p.seed, p.index, "noise");
  const G = 33;
  const field = new Float32Array(G * G);
  for (let i = 0; i < field.length; i++) field[i] = rn.normal(0, 10);
  const fine = 6 * Math.sqrt(size / 64);
  for (let y = 0; y < size; y++) {
    const gy = (y / size) * (G - 1);
    const y0 = Math.floor(gy), fy = gy - y0;
    for (let x = 0; x < size; x++) {
      const gx = (x / size) * (G - 1);
      const x0 = Math.floor(gx), fx = gx - x0;
      const a = field[y0 * G + x0], b = field[y0 * G + x0 + 1], c = field[(y0 + 1) * G + x0], d = field[(y0 + 1) * G + x0 + 1];
      const coarse = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
      const i = y * size + x;
      const v = base[i] > -990 ? base[i] + coarse + rn.normal(0, fine) : -1000 + rn.normal(0, 2);
      hu[i] = Math.round(clamp(v, -1024, 3071));
    }
  }
  return { rows: size, columns: size, hu, pixelSpacingMm: px, nodules, calcifications };
}

/** Write the rendered slice as a real DICOM Part 10 CT file (see lib/dicom/write.ts). */
export function scanToDicom(p: CohortPatient, scan: RenderedScan): Uint8Array {
  return writeCtDicom({
    uidKey: `cohort-${p.seed}-${p.index}`,
    patientId: p.patient.mrn,
    patientName: `${p.patient.familyName}^${p.patient.givenName}`,
    birthDate: p.patient.birthDate,
    sex: p.patient.sex,
    studyDate: p.asOf,
    rows: scan.rows,
    columns: scan.columns,
    pixelSpacingMm: scan.pixelSpacingMm,
    hu: scan.hu,
    description: "Synthetic chest CT (Fusion CDS demo cohort)",
  });
}

/** 8-bit greyscale PNG of a rendered slice (lung window by default), for eyeballing. */
export function scanToPng(scan: RenderedScan, window: { center: number; width: number } = { center: -400, width: 1600 }): Uint8Array {
  const png = new PNG({ width: scan.columns, height: scan.rows });
  const lo = window.center - window.width / 2;
  for (let i = 0; i < scan.hu.length; i++) {
    const g = Math.round(clamp(((scan.hu[i] - lo) / window.width) * 255, 0, 255));
    png.data[4 * i] = png.data[4 * i + 1] = png.data[4 * i + 2] = g;
    png.data[4 * i + 3] = 255;
  }
  // a greyscale PNG (colour type 0): the slice has no colour, and viewers and decoders should know
  return new Uint8Array(PNG.sync.write(png, { colorType: 0 }));
}
