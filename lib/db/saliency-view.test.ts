import { describe, expect, it } from "vitest";
import type { HeadScoreView, SaliencyMap } from "@/lib/domain/assessment";
import { saliencyView } from "./assessments";

const map = (head: string, byte: number): SaliencyMap => ({ width: 1, height: 1, data: Buffer.from([byte]).toString("base64"), frame: 2, head, method: "grad-cam" });
const score = (head: string, label: string): HeadScoreView => ({ head, label, shortLabel: `${head} (short)`, categories: null, probability: 0.1, interval: [0.05, 0.2], category: "low" });
const scores = [score("lung_cancer_2y", "Lung cancer diagnosis within 2 years"), score("mace_5y", "Major adverse cardiovascular event within 5 years")];

describe("saliencyView", () => {
  it("names the headline map's outcome in the scores' words and lists every outcome's map in the scores' order", () => {
    const v = saliencyView(map("mace_5y", 200), { mace_5y: map("mace_5y", 200), lung_cancer_2y: map("lung_cancer_2y", 100) }, scores);
    expect(v).toMatchObject({ head: "mace_5y", label: "Major adverse cardiovascular event within 5 years", frame: 2, data: map("mace_5y", 200).data });
    expect(v.shortLabel).toBe("mace_5y (short)");
    expect(v.byOutcome.map((m) => [m.head, m.label, m.shortLabel, m.data])).toEqual([
      ["lung_cancer_2y", "Lung cancer diagnosis within 2 years", "lung_cancer_2y (short)", map("lung_cancer_2y", 100).data],
      ["mace_5y", "Major adverse cardiovascular event within 5 years", "mace_5y (short)", map("mace_5y", 200).data],
    ]);
    expect(Object.keys(v.byOutcome[0])).not.toContain("method");
  });

  it("without per-outcome maps, lists the headline one; a head the scores do not name keeps its id", () => {
    const v = saliencyView(map("stroke_1y", 50), undefined, scores);
    expect(v.label).toBe("stroke_1y");
    expect(v.byOutcome).toEqual([{ head: "stroke_1y", label: "stroke_1y", shortLabel: "stroke_1y", width: 1, height: 1, data: map("stroke_1y", 50).data, frame: 2 }]);
  });
});
