/**
 * The assessment pipeline's machine-readable flags (lib/fusion encoders and assess, lib/jobs) in
 * words a clinician reads next to the scores, in the interface language (en, ko). Flags that only
 * restate the path are folded into the sentence that explains why the image was not used. Unknown
 * flags are shown as they are, never hidden.
 */
import type { AssessmentNotice, ImageCheckView, InputOutsideTraining } from "./assessment";
import { localizeTerm, localizeValue } from "./clinical-terms";
import type { Locale } from "./locale";
export type { AssessmentNotice, ImageCheckView };

type Words = {
  fixed: Record<string, Omit<AssessmentNotice, "flag">>;
  outsideTraining: (which: string) => string;
  outOfDistribution: (how: string) => string;
  how: (distance: string, limit: string) => string;
  notInTraining: (modality: string) => string;
  unknown: (flag: string) => string;
};

const RECORD_ALONE = "the scores rest on the medical history, family history and diet alone";
const KO_RECORD_ALONE = "점수는 병력, 가족력, 식이 정보만으로 산출되었습니다";

const WORDS: Record<Locale, Words> = {
  en: {
    fixed: {
      no_image: { severity: "info", text: `No scan was used: ${RECORD_ALONE}.` },
      "image_not_used:not_dicom_no_modality_values": {
        severity: "caution",
        text: `The image is a PNG or JPEG: its pixels are display values, not Hounsfield units, so the model did not read it; ${RECORD_ALONE}.`,
      },
      "image_not_used:colour_image": { severity: "caution", text: `The image is in colour; the model reads greyscale CT only, so it was not used; ${RECORD_ALONE}.` },
      image_not_square_resized: { severity: "info", text: "The image was not square; it was resized to the model's square input, which distorts its proportions." },
      family_history_empty_defaults_used: { severity: "info", text: "No family history is recorded; the model assumed none." },
      diet_missing_defaults_used: { severity: "info", text: "No diet records up to the assessment date; the model used population reference values." },
      smoking_start_unknown: { severity: "info", text: "Smoking is recorded without a start date; smoking duration was counted as zero years." },
      non_icd10_conditions_ignored: { severity: "info", text: "Conditions not coded in ICD-10 were ignored by the model." },
      no_image_baseline_image_used: { severity: "caution", text: "No scan: the model used an average training image in its place." },
    },
    outsideTraining: (which) => `Part of this record lies outside what the model saw in training, so these scores are not reliable for this patient.${which}`,
    how: (d, l) => ` (distance ${d} from the training images; the limit is ${l})`,
    outOfDistribution: (how) => `The image does not resemble the images this model was trained on${how}, so it was not used; ${RECORD_ALONE}.`,
    notInTraining: (m) => `The model was trained on CT only; this ${m} image was not used, and ${RECORD_ALONE}.`,
    unknown: (flag) => `Pipeline note: ${flag.replace(/_/g, " ")}.`,
  },
  ko: {
    fixed: {
      no_image: { severity: "info", text: `스캔이 사용되지 않았습니다. ${KO_RECORD_ALONE}.` },
      "image_not_used:not_dicom_no_modality_values": {
        severity: "caution",
        text: `영상이 PNG 또는 JPEG입니다. 픽셀 값이 하운스필드 단위(HU)가 아닌 표시용 값이므로 모델이 읽지 않았습니다. ${KO_RECORD_ALONE}.`,
      },
      "image_not_used:colour_image": { severity: "caution", text: `컬러 영상입니다. 모델은 흑백 CT만 읽으므로 사용하지 않았습니다. ${KO_RECORD_ALONE}.` },
      image_not_square_resized: { severity: "info", text: "영상이 정사각형이 아니어서 모델의 정사각형 입력 크기로 조정되었고, 그 과정에서 비율이 왜곡되었습니다." },
      family_history_empty_defaults_used: { severity: "info", text: "가족력이 기록되어 있지 않아 모델은 가족력이 없다고 가정했습니다." },
      diet_missing_defaults_used: { severity: "info", text: "평가일까지 식이 기록이 없어 모델은 인구 집단 참고값을 사용했습니다." },
      smoking_start_unknown: { severity: "info", text: "흡연 시작일 없이 흡연이 기록되어 있어 흡연 기간을 0년으로 계산했습니다." },
      non_icd10_conditions_ignored: { severity: "info", text: "ICD-10으로 코딩되지 않은 질환은 모델이 반영하지 않았습니다." },
      no_image_baseline_image_used: { severity: "caution", text: "스캔이 없어 모델이 학습 영상의 평균 영상을 대신 사용했습니다." },
    },
    outsideTraining: (which) => `이 기록의 일부가 모델이 학습에서 본 범위를 벗어나므로, 이 환자에게는 점수를 신뢰할 수 없습니다.${which}`,
    how: (d, l) => `(학습 영상과의 거리 ${d}, 한계 ${l})`,
    outOfDistribution: (how) => `영상이 이 모델의 학습 영상과 닮지 않아${how} 사용하지 않았습니다. ${KO_RECORD_ALONE}.`,
    notInTraining: (m) => `모델은 CT로만 학습되었으므로 이 ${m} 영상은 사용하지 않았습니다. ${KO_RECORD_ALONE}.`,
    unknown: (flag) => `파이프라인 참고: ${flag.replace(/_/g, " ")}.`,
  },
};

/** One input outside the training range, in Korean, from its structured fields (the stored `text` is English). */
function outsideKo(i: Partial<InputOutsideTraining>): string | null {
  if (!i.input || i.value === undefined || !i.reason || i.trainingRange === undefined) return null;
  const age = i.input === "Age";
  const input = localizeTerm(i.input, "ko");
  const value = localizeValue(i.value, "ko", { age });
  const range = localizeValue(i.trainingRange, "ko", { age });
  if (i.reason === "unseen_in_training")
    return i.input === "Sex"
      ? `성별 "${value}": 학습 환자 중 이 값을 가진 사람이 없어(모두 ${range}) 이에 대한 모델 가중치가 학습되지 않았으며, 점수가 임의로 달라질 수 있습니다.`
      : `${input} ${value}: 모든 학습 환자의 값이 ${range}였으므로 모델은 이 값의 의미를 학습하지 못했습니다.`;
  return `${input} ${value}: 학습 환자의 범위(${range})를 벗어나므로, 점수는 모델이 학습한 범위 밖으로 외삽된 값입니다.`;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));

export function describeAssessmentFlags(
  flags: readonly string[],
  imageCheck: ImageCheckView | null = null,
  outsideTraining: readonly (Pick<InputOutsideTraining, "text"> & Partial<InputOutsideTraining>)[] = [],
  locale: Locale = "en",
): AssessmentNotice[] {
  const w = WORDS[locale];
  const out: AssessmentNotice[] = [];
  for (const flag of new Set(flags)) {
    if (SILENT.has(flag)) continue;
    if (flag === "input_outside_training_range") {
      const texts = outsideTraining.map((i) => (locale === "en" ? i.text : (outsideKo(i) ?? i.text)));
      out.push({ flag, severity: "caution", text: w.outsideTraining(texts.length ? ` ${texts.join(" ")}` : "") });
      continue;
    }
    if (flag === "image_out_of_distribution") {
      out.push({ flag, severity: "caution", text: w.outOfDistribution(imageCheck ? w.how(fmt(imageCheck.distance), fmt(imageCheck.threshold)) : "") });
      continue;
    }
    const notInTraining = /^image_not_used:(.+)_not_in_training_data$/.exec(flag);
    if (notInTraining) {
      out.push({ flag, severity: "caution", text: w.notInTraining(notInTraining[1]) });
      continue;
    }
    const fixed = w.fixed[flag];
    out.push(fixed ? { flag, ...fixed } : { flag, severity: "info", text: w.unknown(flag) });
  }
  return out.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "caution" ? -1 : 1));
}

/** Flags that only say which path ran; the reason is told by another flag. */
const SILENT = new Set(["no_image_tabular_path", "image_not_used_tabular_path", "image_not_ct"]);

/** Every fixed flag has words in every language (the message-key test checks this list). */
export const FLAG_WORD_KEYS: Record<Locale, string[]> = { en: Object.keys(WORDS.en.fixed), ko: Object.keys(WORDS.ko.fixed) };
