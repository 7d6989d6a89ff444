import type { Locale } from "./locale";
import { OUTCOME_LABELS } from "@/models/fusion/outcome-labels";

/*
 * The model's clinical words (lib/fusion encoders and factors, the registry's outcome labels) in
 * another interface language. They are stored in English with each assessment; the interface and
 * the narrative show them in the reader's language through these tables. Korean follows common
 * clinical usage (폐암, 주요 심혈관 사건, 고혈압 …). A term without an entry stays as stored —
 * never dropped — so a new factor appears in English until its words are added here.
 */

const KO_TERMS: Record<string, string> = {
  // outcomes (registry labels and short labels): from models/fusion/outcome-labels.ts, where the
  // training side keeps each outcome's words in every language (the bundle owns the English ones)
  ...Object.fromEntries(Object.values(OUTCOME_LABELS).flatMap((o) => [[o.en.label, o.ko.label], [o.en.shortLabel, o.ko.shortLabel]])),
  // record facts (FEATURE_CLINICAL facts and encoder labels)
  Age: "나이",
  Sex: "성별",
  "Male sex": "남성",
  "Sex other/unknown": "성별 기타/미상",
  "Current smoker": "현재 흡연자",
  "Former smoker": "과거 흡연자",
  "Smoking duration": "흡연 기간",
  "Years since quitting smoking": "금연 후 경과 연수",
  "Years since quitting": "금연 후 경과 연수",
  "COPD / emphysema": "만성폐쇄성폐질환(COPD)/폐기종",
  Hypertension: "고혈압",
  "Hypertension duration": "고혈압 유병 기간",
  Diabetes: "당뇨병",
  "Diabetes duration": "당뇨병 유병 기간",
  Hyperlipidaemia: "고지혈증",
  Obesity: "비만",
  Asthma: "천식",
  "Other active conditions": "기타 활동성 질환",
  "First-degree relatives with lung cancer": "폐암이 있는 1촌 가족 수",
  "Earliest lung cancer in a first-degree relative": "1촌 가족의 가장 이른 폐암 발병",
  "Earliest first-degree lung cancer onset": "1촌 가족의 가장 이른 폐암 발병",
  "Other relatives with lung cancer": "폐암이 있는 기타 친척 수",
  "First-degree relatives with premature coronary disease": "조기 관상동맥질환이 있는 1촌 가족 수",
  "First-degree relatives with coronary disease": "관상동맥질환이 있는 1촌 가족 수",
  "Earliest coronary disease in a first-degree relative": "1촌 가족의 가장 이른 관상동맥질환 발병",
  "Earliest first-degree coronary disease onset": "1촌 가족의 가장 이른 관상동맥질환 발병",
  "Relatives with other cancers": "기타 암이 있는 친척 수",
  "First-degree relatives with diabetes": "당뇨병이 있는 1촌 가족 수",
  "Family history recorded": "가족력 기록 수",
  "Energy intake": "에너지 섭취량",
  "Sodium intake": "나트륨 섭취량",
  "Sugars intake": "당류 섭취량",
  "Saturated fat intake": "포화지방 섭취량",
  "Fibre intake": "식이섬유 섭취량",
  Fibre: "식이섬유",
  "Fruit & vegetable servings": "과일·채소 섭취 횟수",
  "Red/processed meat servings": "적색육/가공육 섭취 횟수",
  Alcohol: "음주",
  "Alcohol units": "음주량(단위)",
  "Diet records": "식이 기록 수",
  // values
  yes: "예",
  no: "아니요",
  none: "없음",
  male: "남성",
  female: "여성",
  other: "기타",
  unknown: "미상",
  "not recorded": "기록 없음",
  "not recorded (reference value used)": "기록 없음(참고값 사용)",
};

const KO_UNITS: Record<string, string> = {
  "kcal/day": "kcal/일",
  "mg/day": "mg/일",
  "g/day": "g/일",
  "servings/day": "회/일",
  "units/day": "단위/일",
};

/** "COPD / emphysema (J43–J44)": the words translated, the code kept. */
function term(text: string, locale: Locale): string {
  if (locale === "en") return text;
  const exact = KO_TERMS[text];
  if (exact) return exact;
  const coded = /^(.*?) (\([^()]*\))$/.exec(text);
  if (coded && KO_TERMS[coded[1]]) return `${KO_TERMS[coded[1]]} ${coded[2]}`;
  return text;
}

/** A value as factors.ts writes it ("32.5 years", "onset at 58 years", "2100 mg/day", "male or female", "30–89 years"). */
export function localizeValue(value: string, locale: Locale, opts: { age?: boolean } = {}): string {
  if (locale === "en") return value;
  const yearWord = opts.age ? "세" : "년";
  let m = /^onset at (-?[\d.]+)(?:–(-?[\d.]+))? years?$/.exec(value);
  if (m) return `${m[1]}${m[2] ? `–${m[2]}` : ""}세 발병`;
  m = /^(-?[\d.]+)(?:–(-?[\d.]+))? (years?|y)$/.exec(value);
  if (m) return `${m[1]}${m[2] ? `–${m[2]}` : ""}${yearWord}`;
  m = /^(-?[\d.]+)(?:–(-?[\d.]+))? (.+)$/.exec(value);
  if (m && KO_UNITS[m[3]]) return `${m[1]}${m[2] ? `–${m[2]}` : ""} ${KO_UNITS[m[3]]}`;
  m = /^(.+) to (.+)$/.exec(value);
  if (m) return `${localizeValue(m[1], locale, opts)}~${localizeValue(m[2], locale, opts)}`;
  if (/ or /.test(value)) return value.split(/, | or /).map((v) => term(v, locale)).join(" 또는 ");
  return term(value, locale);
}

/** An outcome's label or short label from the registry. */
export function localizeOutcomeLabel(label: string, locale: Locale): string {
  return term(label, locale);
}

/** A record fact's name ("Smoking duration", "Hypertension (I10–I15)"). */
export function localizeTerm(text: string, locale: Locale): string {
  return term(text, locale);
}

/** One factor as factors.ts writes it: "Sex: female", "Hypertension", "Sodium intake: 2100 mg/day". */
export function localizeFactor(text: string, locale: Locale): string {
  if (locale === "en") return text;
  const i = text.lastIndexOf(": ");
  if (i < 0) return term(text, locale);
  const fact = text.slice(0, i);
  return `${term(fact, locale)}: ${localizeValue(text.slice(i + 2), locale, { age: fact === "Age" })}`;
}

/** The stored interval method (lib/fusion/assess.ts writes it) in the interface language; as stored when it does not match. */
export function localizeIntervalMethod(method: string, locale: Locale): string {
  if (locale === "en") return method;
  const m = /^MC dropout \((\d+) passes, rate ([\d.]+)\) over the fusion layer; (\d+)% quantiles of the logit widened ×([\d.]+) \(fitted on validation\), then calibrated$/.exec(method);
  return m ? `융합층의 MC 드롭아웃(${m[1]}회, 비율 ${m[2]}), 로짓의 ${m[3]}% 분위수를 ×${m[4]}배 넓힘(검증 데이터로 적합) 후 보정` : method;
}
