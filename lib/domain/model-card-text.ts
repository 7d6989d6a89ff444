import type { Locale } from "./locale";

/*
 * The model card's sentences shown to users (intended use, out of scope, limitations, inputs, the
 * out-of-distribution check) in another interface language. The card itself (card.json, the
 * registry) stays in English, the language it is written and reviewed in; a sentence without a
 * translation here is shown as written — a new card version reads in English until its words are
 * added (README.md: how to add a language).
 */
const KO: Record<string, string> = {
  // fusion-demo 1.1.0 (the active demo model)
  "Research use only. Demonstration of multimodal (image + record) risk fusion on SYNTHETIC data. Not a medical device; not for diagnosis, triage or treatment decisions.":
    "연구용. 합성(SYNTHETIC) 데이터로 멀티모달(영상 + 기록) 위험도 융합을 시연합니다. 의료기기가 아니며, 진단·중증도 분류·치료 결정에 사용할 수 없습니다.",
  "Real patients": "실제 환자",
  "Any clinical decision": "모든 임상적 결정",
  "Images other than axial chest CT slices resembling the synthetic phantom": "합성 팬텀과 유사한 흉부 CT 축상 단면 이외의 영상",
  "Trained and evaluated only on synthetic data from a known generative model; performance on real CT and real records is unknown.":
    "알려진 생성 모델의 합성 데이터로만 학습·평가되었습니다. 실제 CT와 실제 기록에서의 성능은 알 수 없습니다.",
  "The image branch sees one 64×64 downsampled slice; nodules below ~4 mm and calcifications below ~2 mm are barely visible at that size.":
    "영상 분기는 64×64로 축소한 단면 하나만 봅니다. 이 크기에서는 약 4 mm 미만의 결절과 약 2 mm 미만의 석회화가 거의 보이지 않습니다.",
  "Uncertainty intervals come from MC dropout widened to cover the generator's true risk on validation — an option only synthetic data allows; they are not validated coverage guarantees.":
    "불확실성 구간은 MC 드롭아웃으로 구한 뒤 검증 데이터에서 생성기의 실제 위험도를 포함하도록 넓힌 것입니다. 이는 합성 데이터에서만 가능한 방법이며, 검증된 포함 보장이 아닙니다.",
  "Saliency (Grad-CAM at the 16×16 last conv block) is coarse and shows where the network looked, not why.":
    "살리언시(마지막 16×16 합성곱 블록의 Grad-CAM)는 해상도가 낮으며, 신경망이 어디를 보았는지를 보여 줄 뿐 그 이유를 보여 주지는 않습니다.",
  "tfjs-node was built from a TensorFlow 2.21 wheel (tfjs 4.22 expects 2.9.1): an unsupported combination, verified only by these tests.":
    "tfjs-node는 TensorFlow 2.21 wheel로 빌드되었습니다(tfjs 4.22는 2.9.1을 기대함). 지원되지 않는 조합이며, 이 테스트로만 검증되었습니다.",
  "The out-of-distribution check compares one layer's features with synthetic training images; it catches images unlike the phantom, not subtle shifts, and its false-alarm rate was set on synthetic validation images.":
    "분포 이탈(OOD) 검사는 한 층의 특징을 합성 학습 영상과 비교합니다. 팬텀과 다른 영상은 잡아내지만 미묘한 변화는 잡아내지 못하며, 오경보율은 합성 검증 영상에서 정했습니다.",
  "one 2-D CT frame (modality values in HU) → window [-1000, 1000] HU → area resize to 64×64 → /1000":
    "2차원 CT 프레임 1장(HU 단위 값) → 창 [-1000, 1000] HU → 64×64 면적 리사이즈 → /1000",
  "34 features in blocks history / family / diet (encoder fusion-encoders/1.0.0; see encoders.json)":
    "병력 / 가족력 / 식이 블록의 특징 34개(인코더 fusion-encoders/1.0.0, encoders.json 참고)",
  "Mahalanobis distance of the pooled image features (img_pool, 64-d) to the training images": "풀링된 영상 특징(img_pool, 64차원)과 학습 영상 사이의 마할라노비스 거리",
  "image not used; scored on the record alone; flagged image_out_of_distribution": "영상을 사용하지 않고 기록만으로 점수 산출, image_out_of_distribution 플래그 표시",
};

/** One sentence of a model card in the interface language, or as written when it has no translation. */
export function localizeCardText(text: string, locale: Locale): string {
  return locale === "ko" ? (KO[text] ?? text) : text;
}
