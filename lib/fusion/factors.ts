/**
 * The tabular explanation in the clinic's words, and the check of a record against what the model
 * saw in training. Pure (no TensorFlow.js): `assess` calls it with the integrated-gradients
 * attributions; tests call it directly.
 *
 *   clinicalFactors        per outcome: the encoder features → clinical facts ("Sex: female"),
 *                          contributions of one fact's features summed; counts of records left
 *                          out; an absent condition only where the model gives it weight; a
 *                          learned direction against clinical knowledge marked (encoders.ts
 *                          FEATURE_CLINICAL declares the expected directions)
 *   inputsOutsideTraining  features whose value lies outside the training range recorded in the
 *                          bundle (`inference.json` `trainingInputs`), or a category no training
 *                          patient had (sex other/unknown: its weights were never trained)
 */
import type { ClinicalFactor, InputOutsideTraining } from "@/lib/domain/assessment";
import { DIET_REF, FEATURES, FEATURE_CLINICAL, expectedDirection, type ClinicalDirection, type EncodedRecord } from "./encoders";

/** What the bundle records about its training inputs (models/fusion/training-inputs.ts writes it). */
export type TrainingInputs = {
  /** the training records: generator, seed, offset, n */
  source: { generator: string; seed: number; offset: number; n: number; note?: string };
  /** per encoder feature: the smallest and largest encoded value among the training records */
  features: Record<string, { min: number; max: number }>;
  /** the sexes the training records had */
  sexes: string[];
};

/** How many factors each outcome keeps. */
export const FACTORS_PER_OUTCOME = 8;
/** An absent condition is shown only when its |contribution| is at least this (probability)… */
const ABSENT_MIN = 0.002;
/** …and at least this share of the outcome's largest |contribution|. */
const ABSENT_SHARE = 0.2;
/** Below this |contribution| a direction is noise, not a claim against clinical knowledge. */
const AGAINST_MIN = 0.001;

const DIET_UNITS: Record<string, string> = {
  energyKcal: "kcal/day", sodiumMg: "mg/day", sugarsG: "g/day", saturatedFatG: "g/day", fibreG: "g/day",
  fruitVegServings: "servings/day", redMeatServings: "servings/day", alcoholUnits: "units/day",
};
const round1 = (x: number) => Math.round(x * 10) / 10;
const years = (x: number) => `${round1(x)} years`;

/** An encoded value as the clinic would say it (the inverse of the encoder's scaling). */
export function readableValue(feature: string, x: number): string {
  if (feature === "hist.age") return `${Math.round(62.5 + 13 * x)} years`;
  if (/_years$|years_since_quit$/.test(feature)) return years(x * 10);
  if (feature === "fam.lung_early_onset") return x > 0 ? `onset at ${Math.round(70 - 10 * x)} years` : "none";
  if (feature === "fam.cad_early_onset") return x > 0 ? `onset at ${Math.round(65 - 10 * x)} years` : "none";
  if (feature === "hist.other_active") return String(Math.round(Math.expm1(x)));
  if (feature === "diet.records") return String(Math.round(x * 3));
  if (feature.startsWith("diet.")) {
    const k = feature.slice(5) as keyof typeof DIET_REF;
    const [mu, sd] = DIET_REF[k];
    return `${round1(mu + x * sd)} ${DIET_UNITS[k] ?? ""}`.trim();
  }
  const c = FEATURE_CLINICAL[feature];
  if (c?.kind === "condition" || c?.kind === "record_count") return x >= 0.5 ? "yes" : "no";
  return String(round1(x));
}

/** One fact with this patient's value, e.g. "Sex: female", "Hypertension", "Current smoker: no". */
export function factText(feature: string, x: number, display: string | null, sex?: string): { text: string; absent: boolean } {
  const c = FEATURE_CLINICAL[feature] ?? { fact: feature, kind: "measure" as const };
  if (c.fact === "Sex") return { text: `Sex: ${sex ?? display ?? "not recorded"}`, absent: false };
  if (c.kind === "condition") return x >= 0.5 ? { text: c.fact, absent: false } : { text: `${c.fact}: no`, absent: true };
  if (feature.startsWith("diet.") && feature !== "diet.records") {
    if (display === null) return { text: `${c.fact}: not recorded (reference value used)`, absent: true };
    const unit = DIET_UNITS[feature.slice(5)] ?? "";
    return { text: `${c.fact}: ${display} ${unit}`.trim(), absent: false };
  }
  if (x === 0) return { text: `${c.fact}: none`, absent: true };
  return { text: `${c.fact}: ${readableValue(feature, x)}`, absent: false };
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/**
 * One outcome's factors: `contributions[j]` is feature j's attribution to `head` (integrated
 * gradients against `baseline`, the training-mean record), `enc` the patient's encoded record.
 */
export function clinicalFactors(head: string, contributions: ArrayLike<number>, enc: Pick<EncodedRecord, "vector" | "display">, baseline: ArrayLike<number>, opts: { sex?: string; top?: number } = {}): ClinicalFactor[] {
  type Acc = { fact: string; text: string; absent: boolean; features: string[]; contribution: number; expectedSign: number; expectedWeight: number };
  const facts = new Map<string, Acc>();
  FEATURES.forEach((f, j) => {
    const c = FEATURE_CLINICAL[f.name] ?? { fact: f.label, kind: "measure" as const };
    if (c.kind === "record_count") return; // how much was recorded is not a risk factor
    const x = enc.vector[j];
    const w = contributions[j] ?? 0;
    const { text, absent } = factText(f.name, x, enc.display[j], opts.sex);
    const acc = facts.get(c.fact) ?? { fact: c.fact, text, absent, features: [], contribution: 0, expectedSign: 0, expectedWeight: 0 };
    acc.features.push(f.name);
    acc.contribution += w;
    // clinical expectation for this patient's value: a higher value's expected direction × (value vs the average patient)
    const expected = expectedDirection(f.name, head);
    if (expected && Math.abs(w) >= acc.expectedWeight) {
      const s = sign(x - baseline[j]) * (expected === "raises" ? 1 : -1);
      if (s !== 0) {
        acc.expectedSign = s;
        acc.expectedWeight = Math.abs(w);
      }
    }
    facts.set(c.fact, acc);
  });
  const list = [...facts.values()].filter((a) => Math.abs(a.contribution) > 1e-4);
  const largest = list.reduce((m, a) => Math.max(m, Math.abs(a.contribution)), 0);
  return list
    .filter((a) => !a.absent || Math.abs(a.contribution) >= Math.max(ABSENT_MIN, ABSENT_SHARE * largest))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, opts.top ?? FACTORS_PER_OUTCOME)
    .map((a): ClinicalFactor => {
      const clinicalDirection: ClinicalDirection | null = a.expectedSign > 0 ? "raises" : a.expectedSign < 0 ? "lowers" : null;
      return {
        fact: a.fact,
        text: a.text,
        features: a.features,
        contribution: a.contribution,
        direction: a.contribution >= 0 ? "raises" : "lowers",
        clinicalDirection,
        againstClinicalKnowledge: a.expectedSign !== 0 && Math.abs(a.contribution) >= AGAINST_MIN && sign(a.contribution) !== a.expectedSign,
      };
    });
}

/** Sexes as the clinic says them (the record's sex values). */
const SEX_WORDS: Record<string, string> = { male: "male", female: "female", other: "other", unknown: "unknown" };
const orList = (xs: string[]) => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`);

/**
 * The record's inputs that lie outside what the model saw in training. A feature that was constant
 * in training and differs here is a category no training patient had; any other feature is
 * checked against its training [min, max] (with a small tolerance for rounding).
 */
export function inputsOutsideTraining(enc: Pick<EncodedRecord, "vector" | "display">, sex: string, training: TrainingInputs | null | undefined): InputOutsideTraining[] {
  if (!training) return [];
  const out: InputOutsideTraining[] = [];
  const n = training.source.n.toLocaleString("en-GB");
  if (!training.sexes.includes(sex)) {
    const seen = orList(training.sexes.map((s) => SEX_WORDS[s] ?? s));
    out.push({
      feature: "hist.sex_other_unknown",
      input: "Sex",
      value: SEX_WORDS[sex] ?? sex,
      reason: "unseen_in_training",
      trainingRange: seen,
      text: `Sex "${SEX_WORDS[sex] ?? sex}": none of the ${n} training patients had it (all were ${seen}), so the model's weights for it were never trained and can shift the scores arbitrarily.`,
    });
  }
  FEATURES.forEach((f, j) => {
    if (f.name === "hist.male" || f.name === "hist.sex_other_unknown") return; // sex is checked as a category above
    const r = training.features[f.name];
    if (!r) return;
    const x = enc.vector[j];
    const c = FEATURE_CLINICAL[f.name] ?? { fact: f.label, kind: "measure" as const };
    const tol = 1e-6 + 1e-3 * (r.max - r.min);
    const value = readableValue(f.name, x);
    if (r.min === r.max && Math.abs(x - r.min) > tol) {
      out.push({
        feature: f.name, input: c.fact, value, reason: "unseen_in_training", trainingRange: readableValue(f.name, r.min),
        text: `${c.fact} ${value}: every training patient had ${readableValue(f.name, r.min)}, so the model never learned what this value means.`,
      });
      return;
    }
    if (x >= r.min - tol && x <= r.max + tol) return;
    const [a, b] = [readableValue(f.name, r.min), readableValue(f.name, r.max)];
    const range = sameUnitRange(a, b);
    out.push({
      feature: f.name, input: c.fact, value, reason: x < r.min ? "below_training_range" : "above_training_range", trainingRange: range,
      text: `${c.fact} ${value} is outside the range of the training patients (${range}): the score extrapolates beyond what the model learned from.`,
    });
  });
  return out;
}

/** "32 years" + "88 years" → "32–88 years" (ordered; the encoding of onset ages runs backwards). */
function sameUnitRange(a: string, b: string): string {
  const ma = /^(onset at )?(-?[\d.]+) (.+)$/.exec(a);
  const mb = /^(onset at )?(-?[\d.]+) (.+)$/.exec(b);
  if (ma && mb && ma[3] === mb[3] && ma[1] === mb[1]) {
    const [lo, hi] = [Number(ma[2]), Number(mb[2])].sort((p, q) => p - q);
    return `${ma[1] ?? ""}${lo}–${hi} ${ma[3]}`;
  }
  return `${a} to ${b}`;
}
