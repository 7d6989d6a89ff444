import { describe, expect, it } from "vitest";
import { describeAssessmentFlags } from "./assessment-flags";

describe("describeAssessmentFlags", () => {
  it("explains an out-of-distribution image with its distance and limit, before the informational notes", () => {
    const n = describeAssessmentFlags(["diet_missing_defaults_used", "image_out_of_distribution", "image_not_used_tabular_path"], { distance: 82.94, threshold: 10.44, inDistribution: false });
    expect(n.map((x) => x.flag)).toEqual(["image_out_of_distribution", "diet_missing_defaults_used"]);
    expect(n[0].severity).toBe("caution");
    expect(n[0].text).toContain("does not resemble the images this model was trained on (distance 82.9 from the training images; the limit is 10.4)");
    expect(n[0].text).toContain("the scores rest on the medical history, family history and diet alone");
  });
  it("names the modality the model was not trained on", () => {
    const [n] = describeAssessmentFlags(["image_not_used:MR_not_in_training_data", "no_image_tabular_path"]);
    expect(n.text).toMatch(/trained on CT only; this MR image was not used/);
  });
  it("keeps unknown flags visible rather than dropping them", () => {
    expect(describeAssessmentFlags(["something_new_happened"])).toEqual([{ flag: "something_new_happened", severity: "info", text: "Pipeline note: something new happened." }]);
  });
  it("says nothing when there is nothing to say", () => {
    expect(describeAssessmentFlags([])).toEqual([]);
    expect(describeAssessmentFlags(["no_image_tabular_path"])).toEqual([]);
  });
});
