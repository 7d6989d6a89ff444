import { localizeFactor, localizeOutcomeLabel, localizeValue } from "@/lib/domain/clinical-terms";
import type { ImageFacts, ModelFacts, OutcomeFacts } from "../facts";
import type { NarrativeMessages } from "./types";

/*
 * Korean wording (한국어), the same facts as en.ts. Clinical terms as Korean clinicians use them
 * (폐암, 주요 심혈관 사건, 위험도 낮음/중간/높음); the model's stored English terms (outcome labels,
 * record factors) go through lib/domain/clinical-terms.ts. Pinned by narrative.test.ts.
 */

/** As the risk panel shows a probability: one decimal below 10%, whole percent above. */
const pct = (p: number) => `${(p * 100).toFixed(p < 0.1 ? 1 : 0)}%`;
const share = (s: number) => `${Math.round(s * 100)}%`;

const CATEGORY: Record<OutcomeFacts["category"], string> = { low: "낮음", moderate: "중간", high: "높음" };

function meaning(o: OutcomeFacts): string {
  const t = o.thresholds;
  if (!t) return "모델 자체의 범주 기준에 따른 분류입니다";
  if (o.category === "low") return `이 모델의 중간 위험 구간이 시작되는 ${pct(t.moderateFrom)} 미만입니다`;
  if (o.category === "moderate") return `${pct(t.moderateFrom)} 이상 ${pct(t.highFrom)} 미만으로, 이 모델의 중간 위험 구간입니다`;
  return `이 모델의 높은 위험 구간이 시작되는 ${pct(t.highFrom)} 이상입니다`;
}

function outcome(o: OutcomeFacts): string {
  const parts = [
    `${localizeOutcomeLabel(o.label, "ko")}: 추정 위험도 ${pct(o.probability)} (불확실성 구간 ${pct(o.interval[0])}~${pct(o.interval[1])}).`,
    `위험도 ${CATEGORY[o.category]}: ${meaning(o)}.`,
  ];
  if (o.factors.length) {
    const fs = o.factors.map((f) => `${localizeFactor(f.label, "ko")}${f.value !== null ? `, ${localizeValue(f.value, "ko")}` : ""} (${f.direction === "raises" ? "높임" : "낮춤"})`);
    parts.push(`평균적인 기록과 비교해 위험도를 가장 크게 움직인 기록 요인: ${fs.join("; ")}.`);
  }
  if (o.image) parts.push(`이 추정치를 움직인 요인 중 영상이 ${share(o.image.share)}를 차지했으며, 위험도를 ${o.image.direction === "raises" ? "높였습니다" : "낮췄습니다"}.`);
  return parts.join(" ");
}

const ROW: Record<string, string> = { upper: "위", middle: "가운데", lower: "아래" };
const COLUMN: Record<string, string> = { left: "왼쪽", middle: "가운데", right: "오른쪽" };

/** "왼쪽 위 부분", "중앙" */
function zoneName(row: string, column: string): string {
  return row === "middle" && column === "middle" ? "중앙" : `${COLUMN[column] ?? column} ${ROW[row] ?? row} 부분`;
}

function image(f: ImageFacts): string | null {
  if (!f.used) return null;
  if (f.saliency === "not_read") return null;
  if (f.saliency === "none_stored") return "이 평가에는 살리언시 맵(saliency map)이 저장되어 있지 않아, 모델이 영상의 어디를 보았는지 알 수 없습니다.";
  const { zone, headLabel } = f.saliency;
  const of = `살리언시 맵(Grad-CAM, ${localizeOutcomeLabel(headLabel, "ko")})`;
  if (zone.kind === "empty") return `${of}이 비어 있습니다. 영상에서 두드러진 영역이 없었습니다.`;
  const where = `표시된 영상의 ${zoneName(zone.row, zone.column)}(프레임 ${zone.frame + 1})`;
  return zone.kind === "focused"
    ? `${of}은 ${where}에 집중되어 있으며, 전체 가중치의 ${share(zone.share)}를 차지합니다.`
    : `${of}은 뚜렷한 초점 없이 영상 전체에 퍼져 있습니다. 가장 강한 9분의 1 영역은 ${where}이며, 가중치의 ${share(zone.share)}를 차지합니다.`;
}

function notes(texts: string[]): string | null {
  return texts.length ? `주의해서 해석하세요: ${texts.join(" ")}` : null;
}

const STRATEGY: Record<string, string> = {
  joint: "영상과 기록의 결합 융합(joint fusion)",
  early: "영상과 기록의 조기 융합(early fusion)",
  late: "영상과 기록의 후기 융합(late fusion)",
  image_only: "영상 단독",
};

function model(m: ModelFacts): string {
  const by = `모델 ${m.modelName} ${m.modelVersion}`;
  return m.path === "tabular_only" || m.strategy === "tabular_only"
    ? `${by}이(가) 영상 없이 기록(병력, 가족력, 식이)만으로 점수를 산출했습니다.`
    : `${by}이(가) ${STRATEGY[m.strategy] ?? m.strategy}으로 점수를 산출했습니다.`;
}

export const ko: NarrativeMessages = {
  outcome,
  image,
  notes,
  model,
  notice: () => "연구용 — 진단용 아님. 이 모델은 합성 코호트로 학습되었으며 의료기기가 아닙니다.",
};
