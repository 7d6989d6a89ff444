/**
 * Versioned feature encoders: a patient record → a fixed-length tabular vector in three blocks
 * (history, family history, diet), and a 2-D image → a fixed-size normalised tensor.
 *
 * The spec (feature names, blocks, reference constants, image preprocessing) is written to
 * `encoders.json` beside every trained model; loading a model whose spec differs from this code
 * fails with ENCODER_VERSION_MISMATCH, so a model never meets features it was not trained on.
 * Any change to what a feature means must bump ENCODER_VERSION.
 */
import type { FusionRecordInput } from "@/lib/domain/record";
import { firstDegree, type Relationship } from "@/lib/domain/family-history";
import { ageOn } from "@/lib/domain/patient";
import { MAX_IMAGE_SIDE } from "@/lib/dicom/limits";
import { PHYSICAL_PREPROCESSING, resampleToModelGrid, type ImageGeometry } from "./physical";

export type { ImageGeometry } from "./physical";

export const ENCODER_VERSION = "fusion-encoders/1.0.0";

export type TabularBlock = "history" | "family" | "diet";
export type FeatureDef = { name: string; block: TabularBlock; label: string; unit?: string };

/** Fixed reference means / sds for z-scores (population-style constants, not fitted per model). */
export const DIET_REF = {
  energyKcal: [2175, 420],
  sodiumMg: [3450, 800],
  sugarsG: [85, 25],
  saturatedFatG: [28.5, 7.5],
  fibreG: [21, 6.5],
  fruitVegServings: [4, 1.9],
  redMeatServings: [1.0, 0.5],
  alcoholUnits: [1.8, 2.0],
} as const;
type DietKey = keyof typeof DIET_REF;
const DIET_KEYS = Object.keys(DIET_REF) as DietKey[];
const DIET_LABELS: Record<DietKey, string> = {
  energyKcal: "Energy intake",
  sodiumMg: "Sodium intake",
  sugarsG: "Sugars intake",
  saturatedFatG: "Saturated fat intake",
  fibreG: "Fibre intake",
  fruitVegServings: "Fruit & vegetable servings",
  redMeatServings: "Red/processed meat servings",
  alcoholUnits: "Alcohol units",
};

export const FEATURES: FeatureDef[] = [
  { name: "hist.age", block: "history", label: "Age", unit: "(years − 62.5) / 13" },
  { name: "hist.male", block: "history", label: "Male sex" },
  { name: "hist.sex_other_unknown", block: "history", label: "Sex other/unknown" },
  { name: "hist.smoking_current", block: "history", label: "Current smoker (F17 active)" },
  { name: "hist.smoking_former", block: "history", label: "Former smoker (F17 resolved / Z87.891)" },
  { name: "hist.smoking_years", block: "history", label: "Smoking duration", unit: "decades" },
  { name: "hist.years_since_quit", block: "history", label: "Years since quitting", unit: "decades" },
  { name: "hist.copd", block: "history", label: "COPD / emphysema (J43–J44)" },
  { name: "hist.hypertension", block: "history", label: "Hypertension (I10–I15)" },
  { name: "hist.hypertension_years", block: "history", label: "Hypertension duration", unit: "decades" },
  { name: "hist.diabetes", block: "history", label: "Diabetes (E10–E14)" },
  { name: "hist.diabetes_years", block: "history", label: "Diabetes duration", unit: "decades" },
  { name: "hist.hyperlipidaemia", block: "history", label: "Hyperlipidaemia (E78)" },
  { name: "hist.obesity", block: "history", label: "Obesity (E66)" },
  { name: "hist.asthma", block: "history", label: "Asthma (J45)" },
  { name: "hist.other_active", block: "history", label: "Other active conditions", unit: "log(1 + count)" },
  { name: "fam.lung_first_degree", block: "family", label: "First-degree relatives with lung cancer" },
  { name: "fam.lung_early_onset", block: "family", label: "Earliest first-degree lung cancer onset", unit: "(70 − age) / 10, 0 if none" },
  { name: "fam.lung_other", block: "family", label: "Other relatives with lung cancer" },
  { name: "fam.cad_premature_first_degree", block: "family", label: "First-degree relatives with premature coronary disease (♂<55, ♀<65)" },
  { name: "fam.cad_first_degree", block: "family", label: "First-degree relatives with coronary disease (any age)" },
  { name: "fam.cad_early_onset", block: "family", label: "Earliest first-degree coronary disease onset", unit: "(65 − age) / 10, 0 if none" },
  { name: "fam.other_cancer", block: "family", label: "Relatives with other cancers" },
  { name: "fam.diabetes_first_degree", block: "family", label: "First-degree relatives with diabetes" },
  { name: "fam.recorded", block: "family", label: "Family history recorded" },
  ...DIET_KEYS.map((k): FeatureDef => ({ name: `diet.${k}`, block: "diet", label: DIET_LABELS[k], unit: `z-score vs ${DIET_REF[k][0]} ± ${DIET_REF[k][1]}` })),
  { name: "diet.records", block: "diet", label: "Diet records", unit: "count / 3" },
];

/**
 * What each feature means clinically, declared once beside its definition (read by factors.ts,
 * which words the risk panel's factors and checks inputs against the training range):
 *
 *   fact        how the feature reads as a clinical fact; features with the same `fact` are one
 *               fact ("Sex") whose contributions add up
 *   kind        `condition`: present / absent (an absent condition is shown only where the model
 *               says it matters); `measure`: a value; `record_count`: how much was recorded, not a
 *               risk factor (never shown as one)
 *   expected    the direction clinical knowledge gives a HIGHER value, per clinical outcome —
 *               `lung_cancer`, `mace` (major adverse cardiovascular events) — whatever the
 *               horizon: a head applies the outcome its id starts with (`mace_5y` → `mace`). A
 *               learned direction against it is shown as an association learned from synthetic
 *               data, not a cause. Absent: no established direction (nothing is claimed).
 */
export type ClinicalDirection = "raises" | "lowers";
export type ClinicalOutcome = "lung_cancer" | "mace";
export type FeatureClinical = {
  fact: string;
  kind: "condition" | "measure" | "record_count" | "category";
  expected?: Partial<Record<ClinicalOutcome, ClinicalDirection>>;
};
const BOTH_RAISE = { lung_cancer: "raises", mace: "raises" } as const;

/** The clinically expected direction of a higher value of `feature` for a head (null: none declared). */
export function expectedDirection(feature: string, head: string): ClinicalDirection | null {
  const expected = FEATURE_CLINICAL[feature]?.expected ?? {};
  const outcome = (Object.keys(expected) as ClinicalOutcome[]).find((o) => head === o || head.startsWith(`${o}_`));
  return outcome ? (expected[outcome] ?? null) : null;
}
export const FEATURE_CLINICAL: Record<string, FeatureClinical> = {
  "hist.age": { fact: "Age", kind: "measure", expected: BOTH_RAISE },
  "hist.male": { fact: "Sex", kind: "category", expected: { mace: "raises" } },
  "hist.sex_other_unknown": { fact: "Sex", kind: "category" },
  "hist.smoking_current": { fact: "Current smoker", kind: "condition", expected: BOTH_RAISE },
  "hist.smoking_former": { fact: "Former smoker", kind: "condition", expected: { lung_cancer: "raises" } },
  "hist.smoking_years": { fact: "Smoking duration", kind: "measure", expected: BOTH_RAISE },
  "hist.years_since_quit": { fact: "Years since quitting smoking", kind: "measure", expected: { lung_cancer: "lowers", mace: "lowers" } },
  "hist.copd": { fact: "COPD / emphysema", kind: "condition", expected: BOTH_RAISE },
  "hist.hypertension": { fact: "Hypertension", kind: "condition", expected: { mace: "raises" } },
  "hist.hypertension_years": { fact: "Hypertension duration", kind: "measure", expected: { mace: "raises" } },
  "hist.diabetes": { fact: "Diabetes", kind: "condition", expected: { mace: "raises" } },
  "hist.diabetes_years": { fact: "Diabetes duration", kind: "measure", expected: { mace: "raises" } },
  "hist.hyperlipidaemia": { fact: "Hyperlipidaemia", kind: "condition", expected: { mace: "raises" } },
  "hist.obesity": { fact: "Obesity", kind: "condition", expected: { mace: "raises" } },
  "hist.asthma": { fact: "Asthma", kind: "condition" },
  "hist.other_active": { fact: "Other active conditions", kind: "measure" },
  "fam.lung_first_degree": { fact: "First-degree relatives with lung cancer", kind: "measure", expected: { lung_cancer: "raises" } },
  "fam.lung_early_onset": { fact: "Earliest lung cancer in a first-degree relative", kind: "measure", expected: { lung_cancer: "raises" } },
  "fam.lung_other": { fact: "Other relatives with lung cancer", kind: "measure", expected: { lung_cancer: "raises" } },
  "fam.cad_premature_first_degree": { fact: "First-degree relatives with premature coronary disease", kind: "measure", expected: { mace: "raises" } },
  "fam.cad_first_degree": { fact: "First-degree relatives with coronary disease", kind: "measure", expected: { mace: "raises" } },
  "fam.cad_early_onset": { fact: "Earliest coronary disease in a first-degree relative", kind: "measure", expected: { mace: "raises" } },
  "fam.other_cancer": { fact: "Relatives with other cancers", kind: "measure" },
  "fam.diabetes_first_degree": { fact: "First-degree relatives with diabetes", kind: "measure" },
  "fam.recorded": { fact: "Family history recorded", kind: "record_count" },
  "diet.energyKcal": { fact: "Energy intake", kind: "measure" },
  "diet.sodiumMg": { fact: "Sodium intake", kind: "measure", expected: { mace: "raises" } },
  "diet.sugarsG": { fact: "Sugars intake", kind: "measure" },
  "diet.saturatedFatG": { fact: "Saturated fat intake", kind: "measure", expected: { mace: "raises" } },
  "diet.fibreG": { fact: "Fibre intake", kind: "measure", expected: { mace: "lowers" } },
  "diet.fruitVegServings": { fact: "Fruit & vegetable servings", kind: "measure", expected: { mace: "lowers" } },
  "diet.redMeatServings": { fact: "Red/processed meat servings", kind: "measure", expected: { mace: "raises" } },
  "diet.alcoholUnits": { fact: "Alcohol", kind: "measure" },
  "diet.records": { fact: "Diet records", kind: "record_count" },
};

export const TABULAR_DIM = FEATURES.length;
export const BLOCK_INDICES: Record<TabularBlock, number[]> = {
  history: FEATURES.flatMap((f, i) => (f.block === "history" ? [i] : [])),
  family: FEATURES.flatMap((f, i) => (f.block === "family" ? [i] : [])),
  diet: FEATURES.flatMap((f, i) => (f.block === "diet" ? [i] : [])),
};

const FEMALE_RELATIVES: ReadonlySet<Relationship> = new Set(["mother", "sister", "daughter", "grandmother", "aunt"]);

const yearsBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / (365.25 * 864e5);

export type EncodedRecord = {
  vector: Float32Array;
  /** readable value of each feature (for explanations) */
  display: (string | null)[];
  flags: string[];
};

/** ICD-10 prefix match on the code without the dot (e.g. "E11.9" matches "E11"). */
const icd = (code: string, ...prefixes: string[]) => {
  const c = code.toUpperCase();
  return prefixes.some((p) => c.startsWith(p));
};

export function encodeRecord(r: FusionRecordInput): EncodedRecord {
  const v = new Float32Array(TABULAR_DIM);
  const display: (string | null)[] = new Array(TABULAR_DIM).fill(null);
  const flags: string[] = [];
  const set = (name: string, value: number, shown: string | null) => {
    const i = FEATURES.findIndex((f) => f.name === name);
    v[i] = Number.isFinite(value) ? value : 0;
    display[i] = shown;
  };
  const asOf = r.asOf;
  const age = ageOn(r.birthDate, asOf);
  set("hist.age", (age - 62.5) / 13, `${age} y`);
  set("hist.male", r.sex === "male" ? 1 : 0, r.sex);
  set("hist.sex_other_unknown", r.sex === "male" || r.sex === "female" ? 0 : 1, r.sex);

  // only conditions known by the assessment date count
  const conds = r.conditions.filter((c) => c.codeSystem === "ICD10" && (!c.onsetDate || c.onsetDate <= asOf));
  if (r.conditions.some((c) => c.codeSystem !== "ICD10")) flags.push("non_icd10_conditions_ignored");
  const has = (...p: string[]) => conds.filter((c) => c.status === "active" && icd(c.code, ...p));
  const firstOnset = (cs: typeof conds) => cs.map((c) => c.onsetDate).filter((d): d is string => !!d).sort()[0] ?? null;

  const tobacco = conds.filter((c) => icd(c.code, "F17"));
  const current = tobacco.some((c) => c.status === "active");
  const historyCode = conds.filter((c) => icd(c.code, "Z87.891", "Z72.0"));
  const former = !current && (tobacco.length > 0 || historyCode.length > 0);
  const start = firstOnset(tobacco);
  // former smokers: quit date = onset of Z87.891 ("history of nicotine dependence")
  const quit = former ? firstOnset(historyCode) : null;
  let smokingYears = 0;
  if (start) smokingYears = Math.max(0, yearsBetween(start, current ? asOf : (quit ?? asOf)));
  else if (current || former) flags.push("smoking_start_unknown");
  set("hist.smoking_current", current ? 1 : 0, current ? "yes" : "no");
  set("hist.smoking_former", former ? 1 : 0, former ? "yes" : "no");
  set("hist.smoking_years", smokingYears / 10, `${smokingYears.toFixed(1)} y`);
  const sinceQuit = quit ? Math.max(0, yearsBetween(quit, asOf)) : 0;
  set("hist.years_since_quit", sinceQuit / 10, quit ? `${sinceQuit.toFixed(1)} y` : null);

  const flag = (name: string, cs: typeof conds) => set(name, cs.length > 0 ? 1 : 0, cs.length > 0 ? "yes" : "no");
  flag("hist.copd", has("J43", "J44"));
  const htn = has("I10", "I11", "I12", "I13", "I15");
  flag("hist.hypertension", htn);
  const htnOn = firstOnset(htn);
  set("hist.hypertension_years", htnOn ? yearsBetween(htnOn, asOf) / 10 : 0, htnOn ? `${yearsBetween(htnOn, asOf).toFixed(1)} y` : null);
  const dm = has("E10", "E11", "E12", "E13", "E14");
  flag("hist.diabetes", dm);
  const dmOn = firstOnset(dm);
  set("hist.diabetes_years", dmOn ? yearsBetween(dmOn, asOf) / 10 : 0, dmOn ? `${yearsBetween(dmOn, asOf).toFixed(1)} y` : null);
  flag("hist.hyperlipidaemia", has("E78"));
  flag("hist.obesity", has("E66"));
  flag("hist.asthma", has("J45"));
  const known = ["F17", "Z87.891", "Z72.0", "J43", "J44", "I10", "I11", "I12", "I13", "I15", "E10", "E11", "E12", "E13", "E14", "E78", "E66", "J45"];
  const other = conds.filter((c) => c.status === "active" && !icd(c.code, ...known)).length;
  set("hist.other_active", Math.log1p(other), String(other));

  // ---- family history ----
  const fh = r.familyHistory;
  const first = fh.filter((f) => firstDegree.has(f.relationship));
  const lungFirst = first.filter((f) => icd(f.code, "C34"));
  set("fam.lung_first_degree", lungFirst.length, String(lungFirst.length));
  const lungAges = lungFirst.map((f) => f.ageAtOnset).filter((a): a is number => a != null);
  const lungEarliest = lungAges.length ? Math.min(...lungAges) : null;
  set("fam.lung_early_onset", lungEarliest != null ? Math.max(0, (70 - lungEarliest) / 10) : 0, lungEarliest != null ? `${lungEarliest} y` : null);
  set("fam.lung_other", fh.filter((f) => !firstDegree.has(f.relationship) && icd(f.code, "C34")).length, null);
  const cadFirst = first.filter((f) => icd(f.code, "I20", "I21", "I22", "I23", "I24", "I25"));
  const premature = cadFirst.filter((f) => f.ageAtOnset != null && f.ageAtOnset < (FEMALE_RELATIVES.has(f.relationship) ? 65 : 55));
  set("fam.cad_premature_first_degree", premature.length, String(premature.length));
  set("fam.cad_first_degree", cadFirst.length, String(cadFirst.length));
  const cadAges = cadFirst.map((f) => f.ageAtOnset).filter((a): a is number => a != null);
  const cadEarliest = cadAges.length ? Math.min(...cadAges) : null;
  set("fam.cad_early_onset", cadEarliest != null ? Math.max(0, (65 - cadEarliest) / 10) : 0, cadEarliest != null ? `${cadEarliest} y` : null);
  set("fam.other_cancer", fh.filter((f) => icd(f.code, "C") && !icd(f.code, "C34")).length, null);
  set("fam.diabetes_first_degree", first.filter((f) => icd(f.code, "E10", "E11", "E12", "E13", "E14")).length, null);
  set("fam.recorded", fh.length > 0 ? 1 : 0, fh.length > 0 ? "yes" : "none recorded");
  if (fh.length === 0) flags.push("family_history_empty_defaults_used");

  // ---- diet: mean of the records up to the assessment date; missing → reference means (z = 0) ----
  const diet = r.dietRecords.filter((d) => d.recordedOn <= asOf);
  for (const k of DIET_KEYS) {
    const [mu, sd] = DIET_REF[k];
    if (diet.length === 0) {
      set(`diet.${k}`, 0, null);
      continue;
    }
    const m = diet.reduce((s, d) => s + d[k], 0) / diet.length;
    set(`diet.${k}`, Math.max(-4, Math.min(6, (m - mu) / sd)), `${Math.round(m * 10) / 10}`);
  }
  set("diet.records", Math.min(diet.length, 6) / 3, String(diet.length));
  if (diet.length === 0) flags.push("diet_missing_defaults_used");
  return { vector: v, display, flags };
}

// ------------------------------------------------------------------------------------------------
// Image preprocessing

export type ImageInput = {
  rows: number;
  columns: number;
  /** modality values (HU for CT after the modality LUT), row-major, rows × columns × samplesPerPixel */
  data: Float32Array | Int16Array | Uint16Array | number[];
  modality: string;
  samplesPerPixel?: number;
  photometricInterpretation?: string;
  /** Pixel Spacing and Image Orientation (Patient), read by the "physical" preprocessing (physical.ts) */
  geometry?: ImageGeometry | null;
};

/**
 * How a frame becomes the model's input grid:
 *   area      the whole frame, area-resized to size × size (models up to 1.1.0; ignores geometry)
 *   physical  resampled onto the model's millimetre grid using Pixel Spacing, Image Orientation
 *             (Patient) and the body centroid (physical.ts; models from 1.2.0)
 * A bundle's encoders.json says which one it was trained with, and the runtime applies that one.
 */
export type ImageResize = "area" | "physical";

export const IMAGE_PREPROCESSING = {
  /** CT window applied to modality values before resizing (HU): clip to [lo, hi] */
  windowLo: -1000,
  windowHi: 1000,
  /** after windowing: x = (hu − centre) / halfWidth → [-1, 1] */
  centre: 0,
  halfWidth: 1000,
  /** area-average (box) resize of the whole frame to size × size */
  resize: "area",
  minSide: 16,
  /** the server's image limit: nothing accepted at upload is refused here */
  maxSide: MAX_IMAGE_SIDE,
} as const;

export class ImagePreprocessError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "ImagePreprocessError";
  }
}

/**
 * Modality values → windowed, area-resized, normalised size×size Float32Array. CT values are HU
 * regardless of photometric interpretation (MONOCHROME1 only changes display, not HU). Colour
 * images are rejected; non-CT greyscale images are accepted but flagged (the model was trained on
 * CT). Non-square frames are resized anisotropically (flagged).
 */
export function preprocessImage(img: ImageInput, size: number, resize: ImageResize = "area"): { data: Float32Array; flags: string[] } {
  const flags: string[] = [];
  const { rows, columns } = img;
  const spp = img.samplesPerPixel ?? 1;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < IMAGE_PREPROCESSING.minSide || columns < IMAGE_PREPROCESSING.minSide)
    throw new ImagePreprocessError("image_too_small", `Image is ${rows}×${columns}; at least ${IMAGE_PREPROCESSING.minSide}×${IMAGE_PREPROCESSING.minSide} pixels are needed.`);
  if (rows > IMAGE_PREPROCESSING.maxSide || columns > IMAGE_PREPROCESSING.maxSide)
    throw new ImagePreprocessError("image_too_large", `Image is ${rows}×${columns}; at most ${IMAGE_PREPROCESSING.maxSide} pixels per side are supported.`);
  if (spp !== 1 || (img.photometricInterpretation && /^(RGB|YBR|PALETTE)/i.test(img.photometricInterpretation)))
    throw new ImagePreprocessError("image_not_greyscale", `Colour images (${img.photometricInterpretation ?? `${spp} samples per pixel`}) are not supported; the model reads a single greyscale CT slice.`);
  if (img.data.length !== rows * columns) throw new ImagePreprocessError("image_size_mismatch", `Image data has ${img.data.length} values but ${rows}×${columns} = ${rows * columns} were expected.`);
  if (img.modality !== "CT") flags.push("image_not_ct");
  const { windowLo, windowHi, centre, halfWidth } = IMAGE_PREPROCESSING;
  if (resize === "physical") {
    const windowed = new Float32Array(rows * columns);
    for (let i = 0; i < windowed.length; i++) {
      const hv = Number(img.data[i]);
      windowed[i] = !Number.isFinite(hv) || hv < windowLo ? windowLo : hv > windowHi ? windowHi : hv;
    }
    const r = resampleToModelGrid({ rows, columns, data: windowed }, img.geometry, size, windowLo);
    for (let i = 0; i < r.data.length; i++) r.data[i] = (r.data[i] - centre) / halfWidth;
    return { data: r.data, flags: [...flags, ...r.flags] };
  }
  if (rows !== columns) flags.push("image_not_square_resized");
  const out = new Float32Array(size * size);
  // separable area resize with fractional pixel coverage
  const sy = rows / size, sx = columns / size;
  const tmp = new Float32Array(size * columns);
  for (let oy = 0; oy < size; oy++) {
    const y0 = oy * sy, y1 = y0 + sy;
    for (let x = 0; x < columns; x++) {
      let acc = 0;
      for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
        const w = Math.min(y + 1, y1) - Math.max(y, y0);
        let hv = Number(img.data[y * columns + x]);
        if (!Number.isFinite(hv)) hv = windowLo;
        hv = hv < windowLo ? windowLo : hv > windowHi ? windowHi : hv;
        acc += w * hv;
      }
      tmp[oy * columns + x] = acc / sy;
    }
  }
  for (let oy = 0; oy < size; oy++)
    for (let ox = 0; ox < size; ox++) {
      const x0 = ox * sx, x1 = x0 + sx;
      let acc = 0;
      for (let x = Math.floor(x0); x < Math.ceil(x1); x++) acc += (Math.min(x + 1, x1) - Math.max(x, x0)) * tmp[oy * columns + x];
      out[oy * size + ox] = (acc / sx - centre) / halfWidth;
    }
  return { data: out, flags };
}

type PhysicalSpec = Omit<typeof PHYSICAL_PREPROCESSING, "resize">;
export type ImageSpec = Omit<typeof IMAGE_PREPROCESSING, "resize"> & { resize: ImageResize; size: number; channels: 1 } & Partial<PhysicalSpec>;

export type EncoderSpec = {
  version: string;
  tabular: { dim: number; features: FeatureDef[]; dietReference: typeof DIET_REF };
  image: ImageSpec;
};

export function encoderSpec(imageSize: number, resize: ImageResize = "area"): EncoderSpec {
  return {
    version: ENCODER_VERSION,
    tabular: { dim: TABULAR_DIM, features: FEATURES, dietReference: DIET_REF },
    image: resize === "physical" ? { ...IMAGE_PREPROCESSING, ...PHYSICAL_PREPROCESSING, size: imageSize, channels: 1 } : { ...IMAGE_PREPROCESSING, size: imageSize, channels: 1 },
  };
}

/** Throws with a clear message when a saved spec does not match these encoders. */
export function checkEncoderSpec(saved: EncoderSpec): void {
  const problems: string[] = [];
  if (saved.version !== ENCODER_VERSION) problems.push(`encoder version ${saved.version} ≠ ${ENCODER_VERSION}`);
  const names = saved.tabular?.features?.map((f) => f.name).join(",");
  if (names !== FEATURES.map((f) => f.name).join(",")) problems.push("tabular feature list differs");
  for (const k of ["windowLo", "windowHi", "centre", "halfWidth"] as const)
    if (saved.image?.[k] !== IMAGE_PREPROCESSING[k]) problems.push(`image preprocessing ${k} differs`);
  const resize = saved.image?.resize as string | undefined;
  if (resize === "physical") {
    for (const k of ["fovMm", "gridCentre", "bodyThresholdHu", "maxSubsamples", "minAxialCosine"] as const)
      if (saved.image?.[k] !== PHYSICAL_PREPROCESSING[k]) problems.push(`physical image preprocessing ${k} differs`);
  } else if (resize !== "area") problems.push(`image preprocessing resize ${resize} is unknown (area or physical)`);
  if (problems.length) {
    const err = new Error(`Model refused: it was trained with different feature encoders (${problems.join("; ")}). Retrain the model or deploy the matching code version.`);
    (err as Error & { code?: string }).code = "ENCODER_VERSION_MISMATCH";
    throw err;
  }
}
