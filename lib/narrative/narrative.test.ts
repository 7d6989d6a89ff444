// The narrative's wording, pinned: the cases of lib/domain/assessment-flags.test.ts (an image unlike
// the training images, an MR scan, an unknown flag, nothing to say) and a joint-fusion assessment
// with its saliency map.
import { describe, expect, it } from "vitest";
import type { ModelOutcome } from "@/lib/domain/outcomes";
import { Narrative } from "@/lib/domain/narrative";
import { attribution, storedAssessment, type StoredFixture } from "@/test/support/stored-assessment";
import { buildNarrative, narrativeFacts } from "./narrative";

const OUTCOMES: ModelOutcome[] = [
  { head: "lung_cancer_2y", label: "Lung cancer diagnosis within 2 years", shortLabel: "Lung ca 2y", categories: { moderateFrom: 0.03, highFrom: 0.1 } },
  { head: "mace_5y", label: "Major adverse cardiovascular event within 5 years", shortLabel: "MACE 5y", categories: { moderateFrom: 0.075, highFrom: 0.2 } },
];

/** A 6×6 map whose weight sits in the upper-left ninth (rows 0–1, columns 0–1) of the image. */
const upperLeft = (head = "lung_cancer_2y") => {
  const px = new Uint8Array(36);
  for (const i of [0, 1, 6, 7]) px[i] = 255;
  px[35] = 40; // a little elsewhere
  return { width: 6, height: 6, data: Buffer.from(px).toString("base64"), frame: 2, head, method: "grad-cam" as const };
};

const FACTORS = [
  attribution("hist.smoking_years", "Smoking duration", 0.041, "32.0 y"),
  attribution("diet.fibre_g", "Fibre", -0.012, "31.5"),
  attribution("hist.copd", "COPD / emphysema (J43–J44)", 0.02, "yes"),
  attribution("hist.age", "Age", 0.004, "67 y"),
];

const recordOnly = (f: StoredFixture) =>
  storedAssessment({
    path: "tabular_only",
    contributions: { history: 0.03, family: -0.005, diet: 0.01 },
    featureAttributions: FACTORS,
    ...f,
  });

const words = (f: StoredFixture, o: { registered: boolean } = { registered: true }) => buildNarrative({ assessment: recordOnly(f), outcomes: o.registered ? OUTCOMES : undefined });

describe("buildNarrative", () => {
  it("a joint-fusion assessment: risk, interval, category and its meaning, three factors, the image's share, where the saliency concentrates, model, notice", () => {
    const a = storedAssessment({ featureAttributions: FACTORS, contributions: { image: 0.03, history: 0.05, family: 0.01, diet: -0.01 }, saliency: upperLeft() });
    const n = buildNarrative({ assessment: a, outcomes: OUTCOMES });
    expect(Narrative.parse(n)).toEqual(n);
    expect(n.sections.map((s) => s.kind)).toEqual(["outcome", "outcome", "image", "model", "notice"]);
    expect(n.text).toBe(
      [
        "Lung cancer diagnosis within 2 years: estimated risk 12% (uncertainty interval 8.0% to 17%). That is moderate risk: from 3.0% up to 10%, this model's moderate band. " +
          "The record factors that moved it most from an average record: Smoking duration, 32.0 y (raises it); COPD / emphysema (J43–J44), yes (raises it); and Fibre, 31.5 (lowers it). " +
          "The image accounted for 30% of what moved this estimate, raising it.",
        "Major adverse cardiovascular event within 5 years: estimated risk 4.0% (uncertainty interval 3.0% to 6.0%). That is low risk: below 7.5%, where this model's moderate band begins. " +
          "The record factors that moved it most from an average record: Smoking duration, 32.0 y (raises it); COPD / emphysema (J43–J44), yes (raises it); and Fibre, 31.5 (lowers it). " +
          "The image accounted for 30% of what moved this estimate, raising it.",
        "The saliency map (Grad-CAM, for Lung cancer diagnosis within 2 years) concentrates in the upper left part of the image as displayed (frame 3), which holds 96% of its weight.",
        "Scored by the model fusion-demo 1.1.0 with joint fusion of the image and the record.",
        "Research use only — not for diagnosis. The model was trained on a synthetic cohort; it is not a medical device.",
      ].join("\n\n"),
    );
  });

  it("an image unlike the training images: scored on the record alone, says why with the distance and its limit, before the informational notes", () => {
    const n = words({ flags: ["diet_missing_defaults_used", "image_out_of_distribution", "image_not_used_tabular_path"], imageCheck: { method: "mahalanobis", layer: "img_pool", distance: 82.94, threshold: 10.44, inDistribution: false } });
    expect(n.sections.map((s) => s.kind)).toEqual(["outcome", "outcome", "notes", "model", "notice"]);
    expect(n.sections[0].text).toBe(
      "Lung cancer diagnosis within 2 years: estimated risk 12% (uncertainty interval 8.0% to 17%). That is moderate risk: from 3.0% up to 10%, this model's moderate band. " +
        "The record factors that moved it most from an average record: Smoking duration, 32.0 y (raises it); COPD / emphysema (J43–J44), yes (raises it); and Fibre, 31.5 (lowers it).",
    );
    expect(n.sections[2].text).toBe(
      "Read with care: The image does not resemble the images this model was trained on (distance 82.9 from the training images; the limit is 10.4), so it was not used; the scores rest on the medical history, family history and diet alone. " +
        "No diet records up to the assessment date; the model used population reference values.",
    );
    expect(n.sections[3].text).toBe("Scored by the model fusion-demo 1.1.0 on the record alone (medical history, family history and diet); no image was used.");
    expect(n.text).not.toMatch(/image accounted|saliency/i);
  });

  it("an MR scan: names the modality the model was not trained on", () => {
    const n = words({ flags: ["image_not_used:MR_not_in_training_data", "no_image_tabular_path"] });
    expect(n.sections.find((s) => s.kind === "notes")!.text).toBe(
      "Read with care: The model was trained on CT only; this MR image was not used, and the scores rest on the medical history, family history and diet alone.",
    );
  });

  it("a flag it has no words for yet gets a generic sentence, never dropped", () => {
    const n = words({ flags: ["something_new_happened"] });
    expect(n.sections.find((s) => s.kind === "notes")!.text).toBe("Read with care: Pipeline note: something new happened.");
  });

  it("notices the caller adds (a stale record) are said with the flags, cautions first", () => {
    const n = buildNarrative({
      assessment: recordOnly({ flags: ["diet_missing_defaults_used"] }),
      outcomes: OUTCOMES,
      extraNotices: [{ flag: "stale_record", severity: "caution", text: "The record has changed since this assessment." }],
    });
    expect(n.sections.find((s) => s.kind === "notes")!.text).toBe(
      "Read with care: The record has changed since this assessment. No diet records up to the assessment date; the model used population reference values.",
    );
  });

  it("nothing to say: no notes section (a flag that only restates the path is silent)", () => {
    for (const flags of [[], ["no_image_tabular_path"]]) {
      const n = words({ flags });
      expect(n.sections.map((s) => s.kind)).toEqual(["outcome", "outcome", "model", "notice"]);
    }
  });

  it("a model version not in the registry: head ids, and the category without invented thresholds", () => {
    const n = words({}, { registered: false });
    expect(n.sections[0].text).toMatch(/^lung_cancer_2y: estimated risk 12% \(uncertainty interval 8\.0% to 17%\)\. That is moderate risk: as the model's own category thresholds place it\./);
  });

  it("high risk, at most three factors, no values when the encoder shows none", () => {
    const n = words({
      scores: { lung_cancer_2y: { probability: 0.31, interval: [0.22, 0.4], category: "high" } },
      featureAttributions: [attribution("fam.lung_other", "Other relatives with lung cancer", 0.02)],
    });
    expect(n.sections[0].text).toBe(
      "Lung cancer diagnosis within 2 years: estimated risk 31% (uncertainty interval 22% to 40%). That is high risk: at or above 10%, where this model's high band begins. " +
        "The record factors that moved it most from an average record: Other relatives with lung cancer (raises it).",
    );
  });

  it("a map strongest in the middle ninth: the centre of the image", () => {
    const px = new Uint8Array(9);
    px[4] = 200;
    const map = { width: 3, height: 3, data: Buffer.from(px).toString("base64"), frame: 0, head: "mace_5y", method: "grad-cam" as const };
    const n = buildNarrative({ assessment: storedAssessment({ saliency: map, contributions: { image: 0.01 } }), outcomes: OUTCOMES });
    expect(n.sections.find((s) => s.kind === "image")!.text).toBe(
      "The saliency map (Grad-CAM, for Major adverse cardiovascular event within 5 years) concentrates in the centre of the image as displayed (frame 1), which holds 100% of its weight.",
    );
  });

  it("the image used but its map: none stored → says it is not known; cut out by the reader → says nothing about it", () => {
    const none = buildNarrative({ assessment: storedAssessment({ saliency: null, contributions: { image: 0.01, history: 0.01 } }), outcomes: OUTCOMES });
    expect(none.sections.find((s) => s.kind === "image")!.text).toBe("No saliency map is stored for this assessment, so where the model looked in the image is not known.");
    const a = storedAssessment({ contributions: { image: 0.01, history: 0.01 } });
    const { saliency: _cut, ...withoutMap } = a.explanation;
    const cut = buildNarrative({ assessment: { ...a, explanation: withoutMap }, outcomes: OUTCOMES });
    expect(cut.sections.map((s) => s.kind)).not.toContain("image");
    expect(narrativeFacts({ assessment: { ...a, explanation: withoutMap } }).image).toEqual({ used: true, saliency: "not_read" });
  });

  it("is deterministic and invents nothing: the same input gives the same text; every number comes from the row", () => {
    const a = storedAssessment({ featureAttributions: FACTORS, contributions: { image: 0.02, history: 0.02 }, saliency: upperLeft() });
    expect(buildNarrative({ assessment: a, outcomes: OUTCOMES })).toEqual(buildNarrative({ assessment: structuredClone(a), outcomes: [...OUTCOMES].reverse() }));
    const nums = buildNarrative({ assessment: a, outcomes: OUTCOMES }).text.match(/\d+(\.\d+)?%/g)!;
    expect(nums).toEqual(["12%", "8.0%", "17%", "3.0%", "10%", "50%", "4.0%", "3.0%", "6.0%", "7.5%", "50%", "96%"]);
  });
});

describe("why the narrative is not a research-export column (lib/export/README.md)", () => {
  it("it says what the clinician needs, which the Safe Harbor rules keep out of the export: an exact age over 89, and a flag's own text", () => {
    const n = words({ featureAttributions: [attribution("hist.age", "Age", 0.05, "93 y")], flags: ["pipeline_saw_2026-11-30_for_DEMO-000123"] });
    expect(n.text).toContain("Age, 93 y (raises it)");
    expect(n.text).toContain("Pipeline note: pipeline saw 2026-11-30 for DEMO-000123.");
  });
});

describe("clinical facts and inputs outside training (issue 12)", () => {
  it("speaks the stored clinical facts, and says which input the model never saw in training", () => {
    const base = recordOnly({});
    const fact = { fact: "Sex", text: "Sex: female", features: ["hist.male", "hist.sex_other_unknown"], contribution: -0.02, direction: "lowers" as const, clinicalDirection: "lowers" as const, againstClinicalKnowledge: false };
    const outside = { feature: "hist.age", input: "Age", value: "101 years", reason: "above_training_range" as const, trainingRange: "40–85 years", text: "Age 101 years is outside the range of the training patients (40–85 years): the score extrapolates beyond what the model learned from." };
    const a = { ...base, flags: [...base.flags, "input_outside_training_range"], explanation: { ...base.explanation, factorsByHead: { lung_cancer_2y: [fact], mace_5y: [fact] }, inputsOutsideTraining: [outside] } };
    const f = narrativeFacts({ assessment: a, outcomes: OUTCOMES });
    expect(f.outcomes[0].factors).toEqual([{ label: "Sex: female", value: null, direction: "lowers" }]);
    expect(f.notes.join(" ")).toContain("Age 101 years is outside the range of the training patients (40–85 years)");
  });
});

describe("in Korean (ko), the same facts", () => {
  it("a joint-fusion assessment: 위험도, 구간, 범주와 그 의미, 요인, 영상의 기여, 살리언시 위치, 모델, 연구용 고지", () => {
    const a = storedAssessment({ featureAttributions: FACTORS, contributions: { image: 0.03, history: 0.05, family: 0.01, diet: -0.01 }, saliency: upperLeft() });
    const n = buildNarrative({ assessment: a, outcomes: OUTCOMES, lang: "ko" });
    expect(Narrative.parse(n)).toEqual(n);
    expect(n.lang).toBe("ko");
    expect(n.sections.map((s) => s.kind)).toEqual(["outcome", "outcome", "image", "model", "notice"]);
    expect(n.text).toBe(
      [
        "2년 내 폐암 진단: 추정 위험도 12% (불확실성 구간 8.0%~17%). 위험도 중간: 3.0% 이상 10% 미만으로, 이 모델의 중간 위험 구간입니다. " +
          "평균적인 기록과 비교해 위험도를 가장 크게 움직인 기록 요인: 흡연 기간, 32.0년 (높임); 만성폐쇄성폐질환(COPD)/폐기종 (J43–J44), 예 (높임); 식이섬유, 31.5 (낮춤). " +
          "이 추정치를 움직인 요인 중 영상이 30%를 차지했으며, 위험도를 높였습니다.",
        "5년 내 주요 심혈관 사건(MACE): 추정 위험도 4.0% (불확실성 구간 3.0%~6.0%). 위험도 낮음: 이 모델의 중간 위험 구간이 시작되는 7.5% 미만입니다. " +
          "평균적인 기록과 비교해 위험도를 가장 크게 움직인 기록 요인: 흡연 기간, 32.0년 (높임); 만성폐쇄성폐질환(COPD)/폐기종 (J43–J44), 예 (높임); 식이섬유, 31.5 (낮춤). " +
          "이 추정치를 움직인 요인 중 영상이 30%를 차지했으며, 위험도를 높였습니다.",
        "살리언시 맵(Grad-CAM, 2년 내 폐암 진단)은 표시된 영상의 왼쪽 위 부분(프레임 3)에 집중되어 있으며, 전체 가중치의 96%를 차지합니다.",
        "모델 fusion-demo 1.1.0이(가) 영상과 기록의 결합 융합(joint fusion)으로 점수를 산출했습니다.",
        "연구용 — 진단용 아님. 이 모델은 합성 코호트로 학습되었으며 의료기기가 아닙니다.",
      ].join("\n\n"),
    );
  });

  it("a record-only assessment: why the image was not used, an input outside training, the record alone", () => {
    const base = recordOnly({ flags: ["diet_missing_defaults_used", "image_out_of_distribution", "image_not_used_tabular_path", "input_outside_training_range"], imageCheck: { method: "mahalanobis", layer: "img_pool", distance: 82.94, threshold: 10.44, inDistribution: false } });
    const outside = { feature: "hist.age", input: "Age", value: "101 years", reason: "above_training_range" as const, trainingRange: "40–85 years", text: "Age 101 years is outside the range of the training patients (40–85 years): the score extrapolates beyond what the model learned from." };
    const n = buildNarrative({ assessment: { ...base, explanation: { ...base.explanation, inputsOutsideTraining: [outside] } }, outcomes: OUTCOMES, lang: "ko" });
    expect(n.sections.map((s) => s.kind)).toEqual(["outcome", "outcome", "notes", "model", "notice"]);
    expect(n.sections[2].text).toBe(
      "주의해서 해석하세요: 영상이 이 모델의 학습 영상과 닮지 않아(학습 영상과의 거리 82.9, 한계 10.4) 사용하지 않았습니다. 점수는 병력, 가족력, 식이 정보만으로 산출되었습니다. " +
        "이 기록의 일부가 모델이 학습에서 본 범위를 벗어나므로, 이 환자에게는 점수를 신뢰할 수 없습니다. 나이 101세: 학습 환자의 범위(40–85세)를 벗어나므로, 점수는 모델이 학습한 범위 밖으로 외삽된 값입니다. " +
        "평가일까지 식이 기록이 없어 모델은 인구 집단 참고값을 사용했습니다.",
    );
    expect(n.sections[3].text).toBe("모델 fusion-demo 1.1.0이(가) 영상 없이 기록(병력, 가족력, 식이)만으로 점수를 산출했습니다.");
    // no English sentence left (codes and the model's name are not words)
    expect(n.text.replace(/fusion-demo|Grad-CAM|COPD|MACE|J43–J44|joint fusion/g, "")).not.toMatch(/[A-Za-z]{3,}/);
  });

  it("a model version not in the registry: head ids and the category without invented thresholds", () => {
    const n = buildNarrative({ assessment: recordOnly({}), lang: "ko" });
    expect(n.sections[0].text).toMatch(/^lung_cancer_2y: 추정 위험도 12% \(불확실성 구간 8\.0%~17%\)\. 위험도 중간: 모델 자체의 범주 기준에 따른 분류입니다\./);
  });
});
