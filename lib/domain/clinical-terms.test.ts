import { describe, expect, it } from "vitest";
import { localizeFactor, localizeIntervalMethod, localizeOutcomeLabel, localizeValue } from "./clinical-terms";

describe("clinical terms in Korean", () => {
  it("outcome labels in common clinical usage; unknown ones as stored", () => {
    expect(localizeOutcomeLabel("Lung cancer diagnosis within 2 years", "ko")).toBe("2년 내 폐암 진단");
    expect(localizeOutcomeLabel("Major adverse cardiovascular event within 5 years", "ko")).toBe("5년 내 주요 심혈관 사건(MACE)");
    expect(localizeOutcomeLabel("Stroke within 1 year", "ko")).toBe("Stroke within 1 year");
    expect(localizeOutcomeLabel("Lung cancer diagnosis within 2 years", "en")).toBe("Lung cancer diagnosis within 2 years");
  });
  it("factors as factors.ts writes them: the fact, its value and unit; codes kept; age in 세", () => {
    expect(localizeFactor("Sex: female", "ko")).toBe("성별: 여성");
    expect(localizeFactor("Age: 67 years", "ko")).toBe("나이: 67세");
    expect(localizeFactor("Smoking duration: 32.5 years", "ko")).toBe("흡연 기간: 32.5년");
    expect(localizeFactor("Sodium intake: 2100 mg/day", "ko")).toBe("나트륨 섭취량: 2100 mg/일");
    expect(localizeFactor("Hypertension (I10–I15)", "ko")).toBe("고혈압 (I10–I15)");
    expect(localizeFactor("Earliest first-degree lung cancer onset: onset at 58 years", "ko")).toBe("1촌 가족의 가장 이른 폐암 발병: 58세 발병");
    expect(localizeFactor("Fibre intake: not recorded (reference value used)", "ko")).toBe("식이섬유 섭취량: 기록 없음(참고값 사용)");
    expect(localizeFactor("Something new: 3 widgets", "ko")).toBe("Something new: 3 widgets");
  });
  it("ranges and alternatives", () => {
    expect(localizeValue("40–85 years", "ko", { age: true })).toBe("40–85세");
    expect(localizeValue("male or female", "ko")).toBe("남성 또는 여성");
  });
  it("the interval method", () => {
    const m = "MC dropout (32 passes, rate 0.2) over the fusion layer; 90% quantiles of the logit widened ×1.85 (fitted on validation), then calibrated";
    expect(localizeIntervalMethod(m, "ko")).toBe("융합층의 MC 드롭아웃(32회, 비율 0.2), 로짓의 90% 분위수를 ×1.85배 넓힘(검증 데이터로 적합) 후 보정");
    expect(localizeIntervalMethod(m, "en")).toBe(m);
    expect(localizeIntervalMethod("something else", "ko")).toBe("something else");
  });
});
